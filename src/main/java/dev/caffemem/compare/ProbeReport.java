package dev.caffemem.compare;

import dev.caffemem.fit.LinearFit;
import dev.caffemem.net.Phase;
import java.util.List;
import java.util.Map;

/**
 * The result of a probe: what each small batch measured, the lines fitted through them, and at the target
 * batch the analytical estimate, the extrapolation and (with --verify) the measurement. Plain data; renderers
 * live in dev.caffemem.report.
 *
 * @param device      where the points ran: {@code cpu} or {@code gpu:N}
 * @param comparisons per component and for the totals, in the order to show them; the last is the bill that
 *                    must fit (host memory on the CPU, device memory on a GPU)
 * @param allocatorFit the line through glibc's counts at the points
 * @param blobFit     the line through the census totals
 * @param rssFit      the line through the anonymous RSS growth
 * @param notes       what the user should know (skipped points, nonlinear components, assumptions)
 * @param phases      the run's life at the target, phase by phase: what is held at each phase's end and the
 *                    most held during it, estimated, extrapolated and measured (empty for an older child)
 */
public record ProbeReport(String netName, Phase phase, String solver, String device, int targetBatch,
                          List<PointResult> points, List<Comparison> comparisons, LinearFit allocatorFit,
                          LinearFit blobFit, LinearFit rssFit, PointResult verified, List<String> notes,
                          double seconds, List<PhaseComparison> phases) {

    public ProbeReport {
        points = List.copyOf(points);
        comparisons = List.copyOf(comparisons);
        notes = List.copyOf(notes);
        phases = List.copyOf(phases);
    }

    /**
     * One phase of the run at the target.
     *
     * @param held      what is held at the phase's end (the child's resident memory)
     * @param highWater the most held during the phase (the child's peak resident memory)
     */
    public record PhaseComparison(dev.caffemem.memory.Timeline.Phase phase, Comparison held, Comparison highWater) {
    }

    /** The GPU the points ran on (its name, driver and memory), or null on the CPU. */
    public PointResult.Gpu gpu() {
        return points.isEmpty() ? null : points.get(0).gpu();
    }

    /** The last row: the bill that must fit (glibc's count on the CPU, the device's on a GPU). */
    public Comparison total() {
        return comparisons.get(comparisons.size() - 1);
    }

    public Map<String, Comparison> byName() {
        Map<String, Comparison> out = new java.util.LinkedHashMap<>();
        comparisons.forEach(c -> out.put(c.name(), c));
        return out;
    }
}
