package dev.caffemem.report.html;

import dev.caffemem.compare.Comparison;
import dev.caffemem.compare.PointResult;
import dev.caffemem.compare.ProbeReport;
import dev.caffemem.memory.Component;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.GpuBill;
import dev.caffemem.model.LayerBill;
import dev.caffemem.report.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's tables: the same figures as {@code estimate}'s and {@code probe}'s text output, with exact byte
 * counts beside the rounded ones (the numbers a script, or a test, compares with the JSON).
 */
final class HtmlTables {

    private HtmlTables() {
    }

    private static String b(long bytes) {
        return Units.bytes(bytes, false);
    }

    private static String exact(long bytes) {
        return Long.toString(bytes);
    }

    static String components(Estimate e) {
        GpuBill g = e.gpu();
        long total = e.totalBytes();
        if (g != null) {
            HtmlTable t = new HtmlTable(List.of("component", "device", "host", "bytes", "fixed", "per sample"),
                    false, true, true, true, true, true);
            for (Component c : Component.values()) {
                t.row(c.label(), b(g.device().bytes(c)), b(g.host().bytes(c)), exact(e.breakdown().bytes(c)),
                        b(e.fixedBytes().get(c)), b(e.perSampleBytes().get(c)));
            }
            t.total("total", b(g.deviceBytes()), b(g.hostBytes()), exact(total), b(e.fixedTotal()),
                    b(e.perSampleTotal()));
            return t.html("components");
        }
        HtmlTable t = new HtmlTable(List.of("component", "memory", "bytes", "share", "fixed", "per sample"),
                false, true, true, true, true, true);
        for (Component c : Component.values()) {
            if (!c.gpuOnly()) {
                long bytes = e.breakdown().bytes(c);
                t.row(c.label(), b(bytes), exact(bytes), Verdict.share(bytes, total), b(e.fixedBytes().get(c)),
                        b(e.perSampleBytes().get(c)));
            }
        }
        t.total("total", b(total), exact(total), Verdict.share(total, total), b(e.fixedTotal()), b(e.perSampleTotal()));
        return t.html("components");
    }

    /** The run's events: what is held after each and the most held during it, exact bytes beside. */
    static String timeline(Estimate e) {
        HtmlTable t = new HtmlTable(List.of("event", "held after", "bytes", "high water", "bytes"), false, true, true,
                true, true);
        dev.caffemem.memory.Timeline timeline = e.peak().timeline();
        for (dev.caffemem.memory.Timeline.Event ev : timeline.events()) {
            t.row(ev.describe() + (ev == timeline.peak() ? " (peak)" : ""), b(ev.heldBytes()), exact(ev.heldBytes()),
                    b(ev.highWaterBytes()), exact(ev.highWaterBytes()));
        }
        return t.html("timeline");
    }

    static String layers(Estimate e) {
        HtmlTable t = new HtmlTable(List.of("#", "layer", "type", "top shapes", "data", "diff", "params", "solver",
                "buffers", "total", "bytes"), true, false, false, false, true, true, true, true, true, true, true);
        int i = 0;
        for (LayerBill l : e.layers()) {
            String tops = String.join(", ", l.tops().stream().map(top -> top.name() + " "
                    + (top.shape().axes() == 0 ? "scalar" : top.shape().dimsString().replace(' ', 'x'))).toList());
            t.row(Integer.toString(++i), l.name(), l.type(), tops, b(l.bytes(Component.ACTIVATION_DATA)),
                    b(l.bytes(Component.ACTIVATION_DIFF)),
                    b(l.bytes(Component.PARAM_DATA) + l.bytes(Component.PARAM_DIFF)), b(l.bytes(Component.SOLVER_STATE)),
                    b(l.bytes(Component.LAYER_BUFFERS) + l.bytes(Component.PREFETCH) + l.bytes(Component.WORKSPACE)),
                    b(l.totalBytes()), exact(l.totalBytes()));
        }
        return t.html("layers");
    }

    static String testNets(Estimate e) {
        HtmlTable t = new HtmlTable(List.of("test net", "batch", "Caffe logs", "memory", "bytes"), true, true, true,
                true, true);
        for (Estimate.TestNetBill n : e.testNets()) {
            t.row(Integer.toString(n.index()), Integer.toString(n.batch()), exact(n.caffeLogBytes()),
                    b(n.totalBytes()), exact(n.totalBytes()));
        }
        return t.html("testnets");
    }

    static String probePoints(ProbeReport r) {
        HtmlTable t = new HtmlTable(List.of("batch", "blobs", "allocator", "allocator bytes", "RSS", "peak RSS",
                "step"), true, true, true, true, true, true, true);
        List<PointResult> all = new ArrayList<>(r.points());
        if (r.verified() != null) {
            all.add(r.verified());
        }
        for (PointResult p : all) {
            Double step = p.seconds().get("step");
            t.row(p.batch() + (p == r.verified() ? " (verify)" : ""), b(p.blobBytes()), b(p.allocatorBytes()),
                    exact(p.allocatorBytes()), b(p.rssBytes()), b(p.rssPeakBytes()),
                    step == null ? "-" : String.format(Locale.ROOT, "%.3f s", step));
        }
        return t.html("points");
    }

    static String probeComparisons(ProbeReport r) {
        HtmlTable t = new HtmlTable(List.of("component", "estimated", "extrapolated", "est. vs extrap.", "measured",
                "extrap. error", "est. error"), false, true, true, true, true, true, true);
        for (Comparison c : r.comparisons()) {
            t.row(c.name(), b(c.estimated()), b(c.extrapolated()), Verdict.signedPercent(c.estimateVersusExtrapolation()),
                    c.measured() == null ? "-" : b(c.measured()), Verdict.signedPercent(c.extrapolationError()),
                    Verdict.signedPercent(c.estimateError()));
        }
        return t.html("comparisons");
    }
}
