package dev.caffemem.report.html;

import dev.caffemem.compare.ProbeReport;
import dev.caffemem.fit.MaxBatch;
import dev.caffemem.memory.Timeline;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.net.Phase;
import java.time.Instant;
import java.util.List;
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

    /**
     * The run's timeline. The estimate does not carry one yet (issue 10 adds {@code Estimate.timeline()}); until
     * then it is the steady state after one iteration, one event, whose peak is the bill itself. When the real
     * timeline lands, this is the one method to change: return {@code e.timeline()}.
     */
    static Timeline timelineOf(Estimate e) {
        long bytes = e.boundBytes();
        int iteration = e.phase() == Phase.TRAIN ? 0 : -1;
        Timeline.Stage stage = e.phase() == Phase.TRAIN ? Timeline.Stage.UPDATE
                : Timeline.Stage.FORWARD;
        return new Timeline(List.of(new Timeline.Event(stage, iteration, -1, null, bytes, bytes)));
    }

    /** The bytes compared with the limit: the peak (the OOM killer acts on it, whenever it comes). */
    public long neededBytes() {
        return timeline.peakBytes();
    }

    public boolean fits() {
        return neededBytes() <= limit.bytes();
    }

    /** Whether the timeline is still the steady state alone (no transient peaks modelled). */
    boolean steadyStateOnly() {
        return timeline.events().size() == 1;
    }
}
