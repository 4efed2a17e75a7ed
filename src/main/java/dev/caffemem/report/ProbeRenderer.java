package dev.caffemem.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caffemem.compare.PointResult;
import dev.caffemem.compare.Comparison;
import dev.caffemem.fit.LinearFit;
import dev.caffemem.memory.Component;
import dev.caffemem.net.Phase;
import dev.caffemem.compare.ProbeReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link ProbeReport} as text, JSON, CSV or Markdown. */
public final class ProbeRenderer {
    private final boolean exact;

    public ProbeRenderer(boolean exactBytes) {
        this.exact = exactBytes;
    }

    public String render(ProbeReport r, ReportFormat format) {
        return switch (format) {
            case TEXT -> text(r);
            case JSON -> json(r);
            case CSV -> csv(r);
            case MARKDOWN -> markdown(r);
        };
    }

    private String b(long bytes) {
        return Units.bytes(bytes, exact);
    }

    private static String pct(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%+.2f%%", ratio * 100);
    }

    private Table pointsTable(ProbeReport r) {
        Table t = new Table(List.of("batch", "blobs", "allocator", "RSS", "peak RSS", "build", "step", "forward",
                "backward", "update"), true, true, true, true, true, true, true, true, true, true);
        List<PointResult> all = new ArrayList<>(r.points());
        if (r.verified() != null) {
            all.add(r.verified());
        }
        for (PointResult p : all) {
            t.row(p.batch() + (p == r.verified() ? " (verify)" : ""), b(p.blobBytes()), b(p.allocatorBytes()),
                    b(p.rssBytes()), b(p.rssPeakBytes()), sec(p, "build"), sec(p, "step"), sec(p, "forward"),
                    sec(p, "backward"), sec(p, "update"));
        }
        return t;
    }

    private static String sec(PointResult p, String phase) {
        Double s = p.seconds().get(phase);
        return s == null ? "-" : String.format(Locale.ROOT, "%.3f s", s);
    }

    private Table comparisonTable(ProbeReport r) {
        boolean verified = r.verified() != null;
        List<String> headers = new ArrayList<>(List.of("component", "estimated", "extrapolated", "est. vs extrap."));
        if (verified) {
            headers.addAll(List.of("measured", "extrap. error", "est. error"));
        }
        boolean[] right = new boolean[headers.size()];
        java.util.Arrays.fill(right, true);
        right[0] = false;
        Table t = new Table(headers, right);
        for (Comparison c : r.comparisons()) {
            List<String> cells = new ArrayList<>(List.of(c.name(), b(c.estimated()), b(c.extrapolated()),
                    pct(c.estimateVersusExtrapolation())));
            if (verified) {
                cells.addAll(List.of(b(c.measured()), pct(c.extrapolationError()), pct(c.estimateError())));
            }
            t.row(cells);
        }
        return t;
    }

    /** The run's phases at the target: held at each phase's end, and the most held during it. */
    private Table phaseTable(ProbeReport r) {
        boolean verified = r.verified() != null && !r.verified().phases().isEmpty();
        List<String> headers = new ArrayList<>(List.of("phase", "held: estimated", "extrapolated"));
        if (verified) {
            headers.add("measured");
        }
        headers.addAll(List.of("high water: estimated", "extrapolated"));
        if (verified) {
            headers.add("measured");
        }
        headers.add("est. vs extrap.");
        boolean[] right = new boolean[headers.size()];
        java.util.Arrays.fill(right, true);
        right[0] = false;
        Table t = new Table(headers, right);
        for (ProbeReport.PhaseComparison p : r.phases()) {
            List<String> cells = new ArrayList<>(List.of(p.phase().label(), b(p.held().estimated()),
                    b(p.held().extrapolated())));
            if (verified) {
                cells.add(b(p.held().measured()));
            }
            cells.addAll(List.of(b(p.highWater().estimated()), b(p.highWater().extrapolated())));
            if (verified) {
                cells.add(b(p.highWater().measured()));
            }
            cells.add(pct(p.highWater().estimateVersusExtrapolation()));
            t.row(cells);
        }
        return t;
    }

    private String summary(ProbeReport r) {
        LinearFit f = r.allocatorFit();
        return String.format(Locale.ROOT, "Fit (allocator level): %s + %s per sample, worst residual %s%s.%n"
                        + "At batch %d: extrapolated %s, estimated %s%s.%n",
                b(f.fixedRounded()), b(Math.round(f.perSampleBytes())), b(f.residualBytes()), f.linear() ? "" : " (NOT linear)",
                r.targetBatch(), b(r.total().extrapolated()), b(r.total().estimated()),
                r.verified() == null ? "" : ", measured " + b(r.total().measured()) + " (extrapolation "
                        + pct(r.total().extrapolationError()) + ", estimate " + pct(r.total().estimateError()) + ")");
    }

    private String headline(ProbeReport r) {
        String where = r.gpu() == null ? "CPU" : "GPU " + r.device().substring("gpu:".length()) + " (" + r.gpu().name() + ")";
        return String.format(Locale.ROOT, "%s: probe of %s, %s, target batch %d%s, points %s (%.1f s)",
                r.netName().isEmpty() ? "net" : r.netName(), r.phase() == Phase.TRAIN ? "training" : "inference",
                where, r.targetBatch(), r.phase() == Phase.TRAIN ? ", solver " + r.solver() : "",
                r.points().stream().map(p -> Integer.toString(p.batch())).toList(), r.seconds());
    }

    private String text(ProbeReport r) {
        StringBuilder sb = new StringBuilder(headline(r)).append("\n\nMeasured in the real Caffe:\n")
                .append(pointsTable(r).text()).append("\nAt the target batch:\n").append(comparisonTable(r).text())
                .append('\n').append(summary(r));
        if (!r.phases().isEmpty()) {
            sb.append("\nThe run phase by phase at the target batch (over the process's own baseline):\n")
                    .append(phaseTable(r).text());
        }
        if (!r.notes().isEmpty()) {
            sb.append("\nNotes:\n");
            r.notes().forEach(n -> sb.append("  - ").append(n).append('\n'));
        }
        return sb.toString();
    }

    private String markdown(ProbeReport r) {
        StringBuilder sb = new StringBuilder("### ").append(headline(r)).append("\n\n").append(pointsTable(r).markdown())
                .append('\n').append(comparisonTable(r).markdown()).append('\n').append(summary(r).replace("\n", "\n\n"));
        if (!r.phases().isEmpty()) {
            sb.append(phaseTable(r).markdown()).append('\n');
        }
        r.notes().forEach(n -> sb.append("- ").append(n).append('\n'));
        return sb.toString();
    }

    private String csv(ProbeReport r) {
        StringBuilder sb = new StringBuilder("component,estimated,extrapolated,measured,fixed,perSample,residual,linear\n");
        for (Comparison c : r.comparisons()) {
            sb.append(c.name()).append(',').append(c.estimated()).append(',').append(c.extrapolated()).append(',')
                    .append(c.measured() == null ? "" : c.measured()).append(',').append(c.fit().fixedRounded()).append(',')
                    .append(Math.round(c.fit().perSampleBytes())).append(',').append(c.fit().residualBytes()).append(',')
                    .append(c.fit().linear()).append('\n');
        }
        return sb.toString();
    }

    private static String json(ProbeReport r) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("net", r.netName());
        root.put("phase", r.phase().name());
        root.put("device", r.device());
        if (r.gpu() != null) {
            ObjectNode gpu = root.putObject("gpu");
            gpu.put("name", r.gpu().name());
            gpu.put("driver", r.gpu().driver());
            gpu.put("totalBytes", r.gpu().totalBytes());
            gpu.put("contextBytes", r.gpu().contextBytes());
        }
        root.put("solver", r.solver());
        root.put("seconds", r.seconds());
        ArrayNode points = root.putArray("points");
        for (PointResult p : r.points()) {
            points.add(point(m, p));
        }
        ObjectNode fit = root.putObject("fit");
        fit(fit, r.allocatorFit());
        fit(fit.putObject("blob"), r.blobFit());
        fit(fit.putObject("rss"), r.rssFit());
        ObjectNode components = fit.putObject("components");
        for (Comparison c : r.comparisons()) {
            fit(components.putObject(c.name()), c.fit());
        }
        ObjectNode target = root.putObject("target");
        target.put("batch", r.targetBatch());
        target.set("estimated", side(m, r, Comparison::estimated));
        target.set("extrapolated", side(m, r, Comparison::extrapolated));
        if (r.verified() != null) {
            target.set("measured", side(m, r, c -> c.measured()));
            target.put("extrapolationError", r.total().extrapolationError());
            target.put("estimateError", r.total().estimateError());
            target.set("measuredPoint", point(m, r.verified()));
        } else {
            target.putNull("measured");
        }
        ArrayNode phases = root.putArray("phases");
        for (ProbeReport.PhaseComparison p : r.phases()) {
            ObjectNode n = phases.addObject();
            n.put("phase", p.phase().name().toLowerCase(Locale.ROOT));
            n.set("held", row(m, p.held()));
            n.set("highWater", row(m, p.highWater()));
        }
        ArrayNode notes = root.putArray("notes");
        r.notes().forEach(notes::add);
        try {
            return m.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void fit(ObjectNode n, LinearFit f) {
        n.put("fixedBytes", f.fixedRounded());
        n.put("perSampleBytes", f.perSampleBytes());
        n.put("residualBytes", f.residualBytes());
        n.put("linear", f.linear());
    }

    private static ObjectNode side(ObjectMapper m, ProbeReport r, java.util.function.Function<Comparison, Long> value) {
        ObjectNode n = m.createObjectNode();
        n.put("totalBytes", value.apply(r.total()));
        ObjectNode c = n.putObject("components");
        for (Comparison row : r.comparisons()) {
            if (!row.name().equals(Comparison.TOTAL)) {
                c.put(row.name(), value.apply(row));
            }
        }
        return n;
    }

    private static ObjectNode row(ObjectMapper m, Comparison c) {
        ObjectNode n = m.createObjectNode();
        n.put("estimatedBytes", c.estimated());
        n.put("extrapolatedBytes", c.extrapolated());
        if (c.measured() != null) {
            n.put("measuredBytes", c.measured());
        }
        fit(n.putObject("fit"), c.fit());
        return n;
    }

    private static ObjectNode point(ObjectMapper m, PointResult p) {
        ObjectNode n = m.createObjectNode();
        n.put("batch", p.batch());
        n.put("blobBytes", p.blobBytes());
        n.put("allocatorBytes", p.allocatorBytes());
        n.put("rssBytes", p.rssBytes());
        n.put("rssPeakBytes", p.rssPeakBytes());
        n.put("caffeLogBytes", p.caffeLogBytes());
        ObjectNode c = n.putObject("components");
        for (Map.Entry<Component, Long> e : p.components().entrySet()) {
            c.put(e.getKey().jsonName(), e.getValue());
        }
        c.put(Comparison.LAYER_BUFFERS_AND_OVERHEAD, p.allocatorBytes() - p.blobBytes());
        ObjectNode s = n.putObject("seconds");
        p.seconds().forEach(s::put);
        ArrayNode phases = n.putArray("phases");
        for (PointResult.PhaseReading r : p.phases()) {
            ObjectNode ph = phases.addObject();
            ph.put("phase", r.phase().name().toLowerCase(Locale.ROOT));
            ph.put("heldBytes", r.heldBytes());
            ph.put("highWaterBytes", r.highWaterBytes());
            ph.put("seconds", r.seconds());
        }
        return n;
    }
}
