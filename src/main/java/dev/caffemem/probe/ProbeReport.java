package dev.caffemem.probe;

import dev.caffemem.fit.LinearFit;
import java.util.List;
import java.util.Map;

/**
 * The result of a probe: what each small batch measured, the lines fitted through them, and at the
 * target batch the analytical estimate, the extrapolation and (with --verify) the measurement.
 * Plain data; renderers live in dev.caffemem.report.
 *
 * @param comparisons per component and for the totals, in the order to show them
 * @param notes       what the user should know (skipped points, nonlinear components, assumptions)
 */
public record ProbeReport(String netName, String phase, String solver, int targetBatch, List<PointResult> points,
                          List<Comparison> comparisons, Fit allocatorFit, Fit blobFit, Fit rssFit,
                          PointResult verified, List<String> notes, double seconds) {

    /** A line through the points for one quantity. */
    public record Fit(long fixedBytes, double perSampleBytes, long residualBytes, boolean linear) {
        public static Fit of(LinearFit f, boolean linear) {
            return new Fit(Math.round(f.fixedBytes()), f.perSampleBytes(), f.residualBytes(), linear);
        }
    }

    /**
     * One row of the report at the target batch.
     *
     * @param measured the --verify measurement, or null
     */
    public record Comparison(String name, long estimated, long extrapolated, Long measured, Fit fit) {
        /** (extrapolated - measured) / measured, or NaN without a measurement. */
        public double extrapolationError() {
            return measured == null || measured == 0 ? Double.NaN : (extrapolated - (double) measured) / measured;
        }

        /** (estimated - measured) / measured, or NaN. */
        public double estimateError() {
            return measured == null || measured == 0 ? Double.NaN : (estimated - (double) measured) / measured;
        }

        /** (estimated - extrapolated) / extrapolated. */
        public double estimateVersusExtrapolation() {
            return extrapolated == 0 ? (estimated == 0 ? 0 : Double.NaN) : (estimated - (double) extrapolated) / extrapolated;
        }
    }

    public ProbeReport {
        points = List.copyOf(points);
        comparisons = List.copyOf(comparisons);
        notes = List.copyOf(notes);
    }

    public Comparison total() {
        return comparisons.get(comparisons.size() - 1);
    }

    public Map<String, Comparison> byName() {
        Map<String, Comparison> out = new java.util.LinkedHashMap<>();
        comparisons.forEach(c -> out.put(c.name(), c));
        return out;
    }
}
