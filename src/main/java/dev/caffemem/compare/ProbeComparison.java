package dev.caffemem.compare;

import dev.caffemem.fit.LinearFit;
import dev.caffemem.memory.Allocation;
import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Component;
import dev.caffemem.memory.MemoryBreakdown;
import dev.caffemem.model.Bookkeeping;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.GpuSettings;
import dev.caffemem.net.Phase;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The estimate against the measurement: lines through the probe's points, per component and for the totals,
 * extrapolated to the target batch and set beside the analytical estimate of the same run (and the target's
 * own measurement with --verify). Pure arithmetic on plain data.
 */
public final class ProbeComparison {

    private ProbeComparison() {
    }

    /**
     * What was probed.
     *
     * @param estimate       the estimate of the run at the target batch (the same rewritten net the points ran)
     * @param pointEstimates the estimate of each point's run, in the points' order
     * @param verified       the target batch's own measurement, or null
     * @param gpu            the device's settings on a GPU, null on the CPU
     * @param device         {@code cpu} or {@code gpu:N}
     */
    public record Input(String netName, Phase phase, String device, int target, Estimate estimate,
                        List<Estimate> pointEstimates, List<PointResult> points, PointResult verified, GpuSettings gpu) {
    }

    public static ProbeReport report(Input in, List<String> notes, double seconds) {
        Estimate estimate = in.estimate();
        List<PointResult> points = in.points();
        // what a census of the estimated run would see, component by component
        MemoryBreakdown censused = estimate.breakdown().censusView();
        List<Comparison> rows = new ArrayList<>();
        long estimatedBlobs = 0;
        for (Component c : Component.values()) {
            if (c.blobLevel()) {
                long e = censused.bytes(c);
                estimatedBlobs += e;
                rows.add(row(c.jsonName(), e, points, p -> p.breakdown().bytes(c), in.verified(), in.target(), notes));
            }
        }
        List<Long> hiddenRounding = in.pointEstimates().stream().map(ProbeComparison::hiddenRounding).toList();
        Comparison total = allocatorRow(estimate.totalBytes(), points, hiddenRounding, hiddenRounding(estimate),
                in.verified(), in.target(), notes);
        long extrapolatedBlobs = rows.stream().mapToLong(Comparison::extrapolated).sum();
        LinearFit other = fit(points, p -> p.allocatorBytes() - p.blobBytes());
        rows.add(new Comparison(Comparison.LAYER_BUFFERS_AND_OVERHEAD, estimate.totalBytes() - estimatedBlobs,
                total.extrapolated() - extrapolatedBlobs,
                in.verified() == null ? null : in.verified().allocatorBytes() - in.verified().blobBytes(), other));
        rows.add(total);
        if (in.gpu() != null) {
            DeviceRows.add(in.gpu(), estimate, points, in.verified(), in.target(), rows, notes);
        }
        List<ProbeReport.PhaseComparison> phases = PhaseRows.of(estimate, points, in.verified(), in.target(), notes);
        return new ProbeReport(in.netName(), in.phase(), estimate.solver(), in.device(), in.target(), points, rows,
                total.fit(), fit(points, PointResult::blobBytes), fit(points, PointResult::rssBytes), in.verified(),
                notes, seconds, phases);
    }

    static LinearFit fit(List<PointResult> points, ToLongFunction<PointResult> value) {
        return LinearFit.of(points.stream().map(p -> new LinearFit.Point(p.batch(), value.applyAsLong(p))).toList());
    }

    /** One quantity's row; a quantity that is not linear over the points is named in the notes. */
    static Comparison row(String name, long estimated, List<PointResult> points, ToLongFunction<PointResult> value,
                          PointResult verified, int target, List<String> notes) {
        LinearFit f = fit(points, value);
        if (!f.linear()) {
            notes.add(name + " is not linear in the batch over the probe points (worst residual "
                    + f.residualBytes() + " bytes): its extrapolation is approximate");
        }
        return new Comparison(name, estimated, f.at(target), verified == null ? null : value.applyAsLong(verified), f);
    }

    /**
     * The allocator total at the target. glibc rounds a buffer of 128 KiB or more up to whole pages, so the
     * total has a kink wherever a per-sample buffer crosses that size between the points and the target. That
     * rounding is glibc's fixed rule applied to buffer sizes: each measured buffer's size is fitted on its own
     * (sizes are exactly linear) and rounded at the target; for the buffers the census cannot see, the
     * rounding (only) comes from the model's sizes; the rest, measured bytes of layer buffers and objects, is
     * fitted as one line.
     */
    private static Comparison allocatorRow(long estimated, List<PointResult> points, List<Long> hiddenRounding,
                                           long hiddenRoundingAtTarget, PointResult verified, int target,
                                           List<String> notes) {
        Map<BufferKey, List<LinearFit.Point>> sizes = new LinkedHashMap<>();
        for (PointResult p : points) {
            for (Allocation b : p.buffers()) {
                sizes.computeIfAbsent(b.key(), k -> new ArrayList<>()).add(new LinearFit.Point(p.batch(), b.bytes()));
            }
        }
        long roundedAtTarget = 0;
        for (List<LinearFit.Point> series : sizes.values()) {
            long size = series.size() >= 2 ? LinearFit.of(series).at(target) : series.get(0).bytes();
            roundedAtTarget += Bookkeeping.chunk(size);
        }
        Map<PointResult, Long> hidden = new IdentityHashMap<>();
        for (int i = 0; i < points.size(); i++) {
            hidden.put(points.get(i), hiddenRounding.get(i));
        }
        LinearFit rest = fit(points, p -> p.allocatorBytes() - hidden.get(p) - p.buffers().stream()
                .mapToLong(b -> Bookkeeping.chunk(b.bytes())).sum());
        if (!rest.linear()) {
            notes.add("the allocator total, less glibc's rounding of the measured buffers, is not linear over the probe"
                    + " points (worst residual " + rest.residualBytes() + " bytes): its extrapolation is approximate");
        }
        return new Comparison(Comparison.TOTAL, estimated, roundedAtTarget + hiddenRoundingAtTarget + rest.at(target),
                verified == null ? null : verified.allocatorBytes(), fit(points, PointResult::allocatorBytes));
    }

    /**
     * glibc's rounding of the buffers the census cannot see (layer-internal buffers, the solver's update_ and
     * temp_), from the model's sizes for them: only their rounding is taken from the model; their bytes stay in
     * the measured remainder that is fitted.
     */
    private static long hiddenRounding(Estimate e) {
        long rounding = 0;
        for (Allocation b : e.breakdown().allocations()) {
            if (!b.key().censused() && b.key().kind() != BufferKey.Kind.OVERHEAD) {
                rounding += Bookkeeping.chunk(b.bytes()) - b.bytes();
            }
        }
        return rounding;
    }
}
