package dev.caffemem.report.html;

import dev.caffemem.compare.ProbeReport;
import dev.caffemem.fit.MaxBatch;
import dev.caffemem.memory.Timeline;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import java.time.Instant;
import java.util.OptionalInt;

/**
 * Everything one HTML report shows, computed once: the estimate, the limit it is judged against, the largest
 * batch that fits, the run's timeline, and a probe when one ran. Plain data; {@link HtmlReport} renders it.
 *
 * @param largestBatch from {@link MaxBatch}: 0 when not even batch 1 fits, empty when the net cannot be
 *                     estimated at other batches
 * @param probe        the probe of the same net, or null
 * @param generated    when the report was made (fixed in golden tests)
 * @param version      the caffemem version that made it
 */
public record Report(Estimate estimate, Limit limit, OptionalInt largestBatch, Timeline timeline,
                     ProbeReport probe, Instant generated, String version) {

    /** Estimates the request and finds the largest batch that fits in the limit. */
    public static Report of(EstimateRequest request, Estimate estimate, Limit limit, ProbeReport probe,
                            Instant generated, String version) {
        OptionalInt largest = MaxBatch.solve(request, limit.bytes());
        return new Report(estimate, limit, largest, timelineOf(estimate), probe, generated, version);
    }

    /** The same, estimating the request here. */
    public static Report of(EstimateRequest request, Limit limit, ProbeReport probe, Instant generated,
                            String version) {
        return of(request, Estimator.estimate(request), limit, probe, generated, version);
    }

    /** The run's timeline: the life of the process, event by event, with its peak. */
    static Timeline timelineOf(Estimate e) {
        return e.peak().timeline();
    }

    /**
     * The bytes compared with the limit: the peak (the OOM killer acts on it, whenever it comes); on a GPU the
     * busiest GPU's device memory at its peak.
     */
    public long neededBytes() {
        return estimate.boundBytes();
    }

    public boolean fits() {
        return neededBytes() <= limit.bytes();
    }
}
