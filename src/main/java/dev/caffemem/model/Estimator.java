package dev.caffemem.model;

import dev.caffemem.fit.LinearFit;
import dev.caffemem.memory.Component;
import dev.caffemem.memory.Side;
import dev.caffemem.net.NetException;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Phase;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The analytical memory model: builds the nets a Caffe process would build (the train net and the
 * solver's test nets, or one inference net), replays one iteration on them, and prices every buffer
 * that iteration touches; then says how the bill grows with the batch. Pure Java; no native code.
 */
public final class Estimator {

    private Estimator() {
    }

    public static Estimate estimate(EstimateRequest req) {
        NetCache cache = new NetCache();
        Simulation.Run target = Simulation.run(req, cache);
        int batch = Simulation.batchOf(target.graph());
        Simulation.Run two = null;
        Simulation.Run three = null;
        // 2 and 3, not 1 and 2: some layers take another path when a dimension is 1 (Scale's backward
        // skips sum_result_ when the outer dimension is 1), which would bend the line
        int other = 2;
        String ownBatchOnly = null;
        try {
            two = Simulation.run(req.withBatch(other), cache);
            other = 3;
            three = Simulation.run(req.withBatch(other), cache);
        } catch (NetException e) {
            // The net built at the target batch, so what fails here is the batch: a net that only runs at its
            // own (a Reshape with the batch written in). Its bill stands; only the line cannot be drawn.
            two = null;
            three = null;
            ownBatchOnly = "the net builds only at its own batch (at batch " + other + ": " + e.getMessage()
                    + "), so there is no per-sample figure: the bill is all fixed";
        }
        Map<Component, Long> at = target.components();
        Map<Component, Long> fixed = new EnumMap<>(Component.class);
        Map<Component, Long> perSample = new EnumMap<>(Component.class);
        boolean linear = fit(two, three, batch, at, fixed, perSample);
        List<String> notes = new ArrayList<>(target.notes());
        // said once, of the estimated net (the runs at other batches only give the line)
        notes.addAll(DataNotes.of(target.graph(), req.mode(), req.runtime()));
        if (ownBatchOnly != null) {
            notes.add(ownBatchOnly);
        } else if (!linear) {
            notes.add("the bill is not linear in the batch for this net: fixed and per-sample figures are approximate");
        }
        GpuBill gpu = req.gpu() == null ? null : GpuBilling.bill(req, target, two, three, batch, notes);
        return new Estimate(target.graph().spec().name(), req.phase(), req.mode(),
                req.phase() == Phase.TRAIN ? req.solver().type().caffeName() : "none", batch,
                target.graph().caffeLogBytes(), target.allocations().breakdown(), fixed, perSample, linear,
                layerBills(target), target.tests(), notes, target.overheadFeatures(), gpu,
                peak(target, two, three, batch, datasetBytes(req, target)));
    }

    /**
     * fixed + perSample x batch per component: the line through the evaluations at batch 2 and 3, anchored at
     * the target so that it gives the target's bill exactly. Buffers are exactly linear in the batch for
     * almost every net (checked here); the overhead is not quite, because glibc rounds large buffers to whole
     * pages, so it counts as fixed (its slope between two small batches is only rounding noise, which
     * anchoring would multiply by the batch) and does not count against linearity.
     *
     * @return whether every component lies on its line at the target
     */
    private static boolean fit(Simulation.Run two, Simulation.Run three, int batch, Map<Component, Long> at,
                               Map<Component, Long> fixed, Map<Component, Long> perSample) {
        if (two == null) {
            for (Component c : Component.values()) {
                fixed.put(c, at.get(c));
                perSample.put(c, 0L);
            }
            return false;
        }
        Map<Component, Long> atTwo = two.components();
        Map<Component, Long> atThree = three.components();
        boolean linear = true;
        for (Component c : Component.values()) {
            LinearFit line = c == Component.OVERHEAD ? LinearFit.constant(at.get(c))
                    : LinearFit.through(new LinearFit.Point(2, atTwo.get(c)), new LinearFit.Point(3, atThree.get(c)))
                            .anchoredAt(new LinearFit.Point(batch, at.get(c)));
            perSample.put(c, Math.round(line.perSampleBytes()));
            fixed.put(c, Math.round(line.fixedBytes()));
            if (c != Component.OVERHEAD) {
                linear &= atTwo.get(c) + Math.round(line.perSampleBytes()) * (batch - 2L) == at.get(c);
            }
        }
        return linear;
    }

    /** The peak, with its own line through the evaluations at 2 and 3, anchored at the target. */
    private static Estimate.Peak peak(Simulation.Run target, Simulation.Run two, Simulation.Run three, int batch,
                                      long datasets) {
        long at = target.timeline().peakBytes();
        if (two == null) {
            return new Estimate.Peak(target.timeline(), at, 0, datasets);
        }
        LinearFit line = LinearFit.through(new LinearFit.Point(2, two.timeline().peakBytes()),
                new LinearFit.Point(3, three.timeline().peakBytes())).anchoredAt(new LinearFit.Point(batch, at));
        return new Estimate.Peak(target.timeline(), line.fixedRounded(), Math.round(line.perSampleBytes()), datasets);
    }

    /** The databases the built nets' data layers map (each source once). */
    private static long datasetBytes(EstimateRequest req, Simulation.Run run) {
        long bytes = 0;
        for (String source : run.dataSources()) {
            bytes += req.runtime().datasetBytes().getOrDefault(source, 0L);
        }
        return bytes;
    }

    private static List<LayerBill> layerBills(Simulation.Run run) {
        Map<Integer, Map<Component, Long>> byLayer = new HashMap<>();
        for (Buffer b : run.allocations().touched()) {
            if (b.layer() >= 0 && b.component() != Component.TEST_NET) {
                // a buffer with a host and a device copy costs on both sides
                long sides = (b.touchedOn(Side.HOST) ? 1 : 0) + (b.touchedOn(Side.DEVICE) ? 1 : 0);
                byLayer.computeIfAbsent(b.layer(), k -> new EnumMap<>(Component.class))
                        .merge(b.component(), b.bytes() * sides, Long::sum);
            }
        }
        List<LayerBill> bills = new ArrayList<>();
        for (NetGraph.Layer l : run.graph().layers()) {
            List<LayerBill.Top> tops = new ArrayList<>();
            for (int t = 0; t < l.tops().size(); t++) {
                tops.add(new LayerBill.Top(run.graph().blob(l.tops().get(t)).name(), l.topShapes().get(t)));
            }
            bills.add(new LayerBill(l.name(), l.type(), tops, byLayer.getOrDefault(l.index(), Map.of())));
        }
        return bills;
    }
}
