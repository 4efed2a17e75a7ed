package dev.caffemem.compare;

import dev.caffemem.memory.Timeline;
import dev.caffemem.model.Estimate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The run's life at the target batch, phase by phase: the model's timeline of the probed run against lines
 * through what the child measured between the same phases, for what is resident at each phase's end and for the
 * most resident during it (the process's peak, VmHWM). The model's figures are taken over the process's own
 * baseline, as the child's are over its own.
 */
final class PhaseRows {

    private PhaseRows() {
    }

    static List<ProbeReport.PhaseComparison> of(Estimate estimate, List<PointResult> points, PointResult verified, int target,
                        List<String> notes) {
        List<ProbeReport.PhaseComparison> rows = new ArrayList<>();
        if (points.isEmpty() || points.get(0).phases().isEmpty()) {
            return rows;
        }
        Timeline timeline = estimate.peak().timeline();
        long baseline = timeline.events().get(0).heldBytes();
        for (Timeline.PhaseBytes modeled : timeline.phases()) {
            Timeline.Phase phase = modeled.phase();
            if (phase == Timeline.Phase.START || !measuredEverywhere(points, phase)) {
                continue;
            }
            Comparison held = row(phase.label() + " held", modeled.heldBytes() - baseline, points,
                    p -> reading(p, phase).heldBytes(), verified, target, notes);
            Comparison high = row(phase.label() + " high water", modeled.highWaterBytes() - baseline, points,
                    p -> reading(p, phase).highWaterBytes(), verified, target, notes);
            rows.add(new ProbeReport.PhaseComparison(phase, held, high));
        }
        return rows;
    }

    private static Comparison row(String name, long estimated, List<PointResult> points, ToLongFunction<PointResult> value,
                                  PointResult verified, int target, List<String> notes) {
        boolean hasVerified = verified != null && !verified.phases().isEmpty();
        return ProbeComparison.row(name, estimated, points, value, hasVerified ? verified : null, target, notes);
    }

    private static boolean measuredEverywhere(List<PointResult> points, Timeline.Phase phase) {
        return points.stream().allMatch(p -> p.phases().stream().anyMatch(r -> r.phase() == phase));
    }

    private static PointResult.PhaseReading reading(PointResult p, Timeline.Phase phase) {
        return p.phases().stream().filter(r -> r.phase() == phase).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + phase + " reading at batch " + p.batch()));
    }
}
