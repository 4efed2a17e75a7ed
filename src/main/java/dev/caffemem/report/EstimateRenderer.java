package dev.caffemem.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caffemem.memory.Component;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.GpuBill;
import dev.caffemem.model.GpuSettings;
import dev.caffemem.model.LayerBill;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders an {@link Estimate} as text, JSON, CSV or Markdown. */
public final class EstimateRenderer {
    /** Per-layer columns: data, diff, params (data + diff), solver, buffers (layer buffers + prefetch). */
    private static final List<String> LAYER_HEADERS = List.of("layer", "type", "top shapes", "data", "diff", "params",
            "solver", "buffers", "total");

    private final boolean exact;
    private final TimelineRenderer timeline;
    private boolean withTimeline;

    public EstimateRenderer(boolean exactBytes) {
        this.exact = exactBytes;
        this.timeline = new TimelineRenderer(exactBytes);
    }

    /** Also print the run's timeline (text and Markdown; JSON always has it). */
    public EstimateRenderer withTimeline(boolean show) {
        this.withTimeline = show;
        return this;
    }

    public String render(Estimate e, ReportFormat format) {
        return switch (format) {
            case TEXT -> text(e);
            case JSON -> json(e);
            case CSV -> csv(e);
            case MARKDOWN -> markdown(e);
        };
    }

    private List<String> layerCells(LayerBill l, boolean forCsv) {
        String tops = String.join(forCsv ? "; " : ", ", l.tops().stream()
                .map(t -> t.name() + " " + (t.shape().axes() == 0 ? "scalar" : t.shape().dimsString().replace(' ', 'x'))).toList());
        return List.of(l.name(), l.type(), tops,
                fmt(l.bytes(Component.ACTIVATION_DATA), forCsv), fmt(l.bytes(Component.ACTIVATION_DIFF), forCsv),
                fmt(l.bytes(Component.PARAM_DATA) + l.bytes(Component.PARAM_DIFF), forCsv),
                fmt(l.bytes(Component.SOLVER_STATE), forCsv),
                fmt(l.bytes(Component.LAYER_BUFFERS) + l.bytes(Component.PREFETCH) + l.bytes(Component.WORKSPACE), forCsv),
                fmt(l.totalBytes(), forCsv));
    }

    private String fmt(long bytes, boolean forCsv) {
        return Units.bytes(bytes, exact || forCsv);
    }

    private Table layerTable(Estimate e) {
        Table t = new Table(LAYER_HEADERS, false, false, false, true, true, true, true, true, true);
        for (LayerBill l : e.layers()) {
            t.row(layerCells(l, false));
        }
        return t;
    }

    private Table componentTable(Estimate e) {
        GpuBill g = e.gpu();
        if (g != null) {
            // both sides, then the line of the sum
            Table t = new Table(List.of("component", "device", "host", "fixed", "per sample"), false, true, true, true,
                    true);
            for (Component c : Component.values()) {
                t.row(c.label(), fmt(g.device().bytes(c), false), fmt(g.host().bytes(c), false),
                        fmt(e.fixedBytes().get(c), false), fmt(e.perSampleBytes().get(c), false));
            }
            t.row("total", fmt(g.deviceBytes(), false), fmt(g.hostBytes(), false), fmt(e.fixedTotal(), false),
                    fmt(e.perSampleTotal(), false));
            return t;
        }
        Table t = new Table(List.of("component", "bytes", "fixed", "per sample"), false, true, true, true);
        for (Component c : Component.values()) {
            if (c.gpuOnly()) {
                continue;
            }
            t.row(c.label(), fmt(e.breakdown().bytes(c), false), fmt(e.fixedBytes().get(c), false),
                    fmt(e.perSampleBytes().get(c), false));
        }
        t.row("total", fmt(e.totalBytes(), false), fmt(e.fixedTotal(), false), fmt(e.perSampleTotal(), false));
        return t;
    }

    /** The GPU verdict: device and host bills, each as a line in the batch, whether it fits, the multi-GPU split. */
    private String gpuSummary(Estimate e) {
        GpuBill g = e.gpu();
        GpuSettings s = g.settings();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Device memory: %s = %s fixed + %s per sample x %d%n",
                fmt(g.deviceBytes(), false), fmt(g.deviceFixed(), false), fmt(g.devicePerSample(), false), e.batch()));
        sb.append(String.format(Locale.ROOT, "Host memory:   %s = %s fixed + %s per sample x %d "
                        + "(Caffe's host buffers are pinned in GPU mode)%n",
                fmt(g.hostBytes(), false), fmt(g.hostFixed(), false), fmt(g.hostPerSample(), false), e.batch()));
        sb.append(String.format(Locale.ROOT, "CUDA: %d thread(s) with cuBLAS and cuRAND, %d cuDNN handle(s), "
                + "%d stream(s), %d cuDNN convolution workspace(s)%n", g.threads(), g.cudnnHandles(), g.streams(),
                g.cudnnConvLayers()));
        if (g.multi() != null) {
            GpuBill.MultiGpu m = g.multi();
            sb.append(String.format(Locale.ROOT, "Data-parallel on %d GPUs: root GPU %s (of which %s test nets, "
                            + "root only), every other GPU %s; NCCL's parameter and gradient buffers %s per GPU "
                            + "(inside those bills); host %s for all replicas%n", m.gpus(),
                    fmt(m.rootDeviceBytes(), false), fmt(m.rootExtraDeviceBytes(), false),
                    fmt(m.workerDeviceBytes(), false), fmt(m.ncclBufferBytes(), false), fmt(m.hostBytes(), false)));
        }
        long need = g.rootDeviceBytes();
        sb.append(String.format(Locale.ROOT, "%s on %s (%s%s): %s of %s device memory%s.%n",
                g.fits() ? "Fits" : "Does NOT fit", s.name(), Units.bytes(s.capacityBytes(), false),
                s.calibrated() ? ", calibrated" : ", overheads not calibrated",
                fmt(need, false), fmt(s.capacityBytes(), false),
                s.capacityBytes() == 0 ? "" : " (" + Units.percent((double) need / s.capacityBytes()) + ")"));
        return sb.toString();
    }

    private String headline(Estimate e) {
        return String.format(Locale.ROOT, "%s: %s, %s, batch %d%s", e.netName().isEmpty() ? "net" : e.netName(),
                e.phase() == dev.caffemem.net.Phase.TRAIN ? "training" : "inference", e.mode(), e.batch(),
                e.phase() == dev.caffemem.net.Phase.TRAIN ? ", solver " + e.solver() : "");
    }

    private String summary(Estimate e) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Total: %s = %s fixed + %s per sample x %d%n", fmt(e.totalBytes(), false),
                fmt(e.fixedTotal(), false), fmt(e.perSampleTotal(), false), e.batch()));
        Estimate.Peak p = e.peak();
        sb.append(String.format(Locale.ROOT, "Peak:  %s = %s fixed + %s per sample x %d, at %s%n", fmt(p.bytes(), false),
                fmt(p.fixedBytes(), false), fmt(p.perSampleBytes(), false), e.batch(), TimelineRenderer.where(p.event())));
        if (p.datasetBytes() > 0) {
            sb.append(String.format(Locale.ROOT, "Dataset pages: up to %s of LMDB/LevelDB files, mapped as they are read "
                    + "(file-backed, reclaimable by the kernel): not in the peak.%n", fmt(p.datasetBytes(), false)));
        }
        sb.append(String.format(Locale.ROOT, "Caffe logs \"Memory required for data: %d\" (%s): %s of this bill.%n",
                e.caffeLogBytes(), Units.bytes(e.caffeLogBytes(), false),
                e.totalBytes() == 0 ? "n/a" : Units.percent((double) e.caffeLogBytes() / e.totalBytes())));
        for (var t : e.testNets()) {
            sb.append(String.format(Locale.ROOT, "Test net %d (batch %d): %s; Caffe logs %d for it.%n", t.index(),
                    t.batch(), fmt(t.totalBytes(), false), t.caffeLogBytes()));
        }
        return sb.toString();
    }

    private String text(Estimate e) {
        StringBuilder sb = new StringBuilder();
        sb.append(headline(e)).append('\n').append(timeline.headline(e)).append("\n\n").append(layerTable(e).text())
                .append('\n').append(componentTable(e).text()).append('\n').append(summary(e));
        if (withTimeline) {
            sb.append("\nTimeline:\n").append(timeline.table(e.peak().timeline()).text());
        }
        if (e.gpu() != null) {
            sb.append(gpuSummary(e));
        }
        if (!e.notes().isEmpty()) {
            sb.append("\nNotes:\n");
            e.notes().forEach(n -> sb.append("  - ").append(n).append('\n'));
        }
        return sb.toString();
    }

    private String markdown(Estimate e) {
        StringBuilder sb = new StringBuilder();
        sb.append("### ").append(headline(e)).append("\n\n").append(timeline.headline(e)).append("\n\n")
                .append(layerTable(e).markdown()).append('\n')
                .append(componentTable(e).markdown()).append('\n').append(summary(e).replace("\n", "\n\n"));
        if (e.gpu() != null) {
            sb.append(gpuSummary(e).replace("\n", "\n\n"));
        }
        if (withTimeline) {
            sb.append(timeline.table(e.peak().timeline()).markdown()).append('\n');
        }
        e.notes().forEach(n -> sb.append("- ").append(n).append('\n'));
        return sb.toString();
    }

    private String csv(Estimate e) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(",", LAYER_HEADERS)).append('\n');
        for (LayerBill l : e.layers()) {
            List<String> cells = new ArrayList<>(layerCells(l, true));
            sb.append(String.join(",", cells.stream().map(EstimateRenderer::csvCell).toList())).append('\n');
        }
        sb.append(csvCell("TOTAL")).append(",,,")
                .append(e.breakdown().bytes(Component.ACTIVATION_DATA)).append(',')
                .append(e.breakdown().bytes(Component.ACTIVATION_DIFF)).append(',')
                .append(e.breakdown().bytes(Component.PARAM_DATA) + e.breakdown().bytes(Component.PARAM_DIFF)).append(',')
                .append(e.breakdown().bytes(Component.SOLVER_STATE)).append(',')
                .append(e.breakdown().bytes(Component.LAYER_BUFFERS) + e.breakdown().bytes(Component.PREFETCH)).append(',')
                .append(e.totalBytes()).append('\n');
        return sb.toString();
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private String json(Estimate e) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("net", e.netName());
        root.put("phase", e.phase().name());
        root.put("device", e.mode().name().toLowerCase(Locale.ROOT));
        root.put("solver", e.solver());
        root.put("batch", e.batch());
        root.put("caffeLogBytes", e.caffeLogBytes());
        root.put("totalBytes", e.totalBytes());
        root.put("fixedBytes", e.fixedTotal());
        root.put("perSampleBytes", e.perSampleTotal());
        root.put("linear", e.linear());
        timeline.json(root, e);
        root.set("components", components(mapper, e.breakdown().components()));
        root.set("fixed", components(mapper, e.fixedBytes()));
        root.set("perSample", components(mapper, e.perSampleBytes()));
        ArrayNode layers = root.putArray("layers");
        for (LayerBill l : e.layers()) {
            ObjectNode n = layers.addObject();
            n.put("name", l.name());
            n.put("type", l.type());
            ArrayNode tops = n.putArray("tops");
            for (LayerBill.Top t : l.tops()) {
                ObjectNode top = tops.addObject();
                top.put("name", t.name());
                ArrayNode shape = top.putArray("shape");
                for (int d : t.shape().dims()) {
                    shape.add(d);
                }
            }
            n.set("components", components(mapper, l.components()));
            n.put("totalBytes", l.totalBytes());
        }
        ArrayNode tests = root.putArray("testNets");
        for (var t : e.testNets()) {
            ObjectNode n = tests.addObject();
            n.put("index", t.index());
            n.put("batch", t.batch());
            n.put("caffeLogBytes", t.caffeLogBytes());
            n.put("totalBytes", t.totalBytes());
        }
        if (e.gpu() != null) {
            root.set("gpu", gpuJson(mapper, e.gpu()));
        }
        ArrayNode notes = root.putArray("notes");
        e.notes().forEach(notes::add);
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static ObjectNode gpuJson(ObjectMapper mapper, GpuBill g) {
        GpuSettings s = g.settings();
        ObjectNode n = mapper.createObjectNode();
        n.put("profile", s.name());
        n.put("capacityBytes", s.capacityBytes());
        n.put("calibrated", s.calibrated());
        ArrayNode assumed = n.putArray("assumed");
        s.assumptions().forEach(assumed::add);
        n.put("fits", g.fits());
        n.put("deviceBytes", g.deviceBytes());
        n.put("deviceFixedBytes", g.deviceFixed());
        n.put("devicePerSampleBytes", g.devicePerSample());
        n.put("hostBytes", g.hostBytes());
        n.put("hostFixedBytes", g.hostFixed());
        n.put("hostPerSampleBytes", g.hostPerSample());
        n.set("device", components(mapper, g.device().components()));
        n.set("host", components(mapper, g.host().components()));
        n.put("threads", g.threads());
        n.put("cudnnHandles", g.cudnnHandles());
        n.put("streams", g.streams());
        n.put("cudnnConvolutionLayers", g.cudnnConvLayers());
        if (g.multi() != null) {
            GpuBill.MultiGpu m = g.multi();
            ObjectNode mn = n.putObject("multiGpu");
            mn.put("gpus", m.gpus());
            mn.put("rootDeviceBytes", m.rootDeviceBytes());
            mn.put("workerDeviceBytes", m.workerDeviceBytes());
            mn.put("rootExtraDeviceBytes", m.rootExtraDeviceBytes());
            mn.put("ncclBufferBytes", m.ncclBufferBytes());
            mn.put("hostBytes", m.hostBytes());
        }
        return n;
    }

    private static ObjectNode components(ObjectMapper mapper, Map<Component, Long> values) {
        ObjectNode n = mapper.createObjectNode();
        for (Component c : Component.values()) {
            n.put(c.jsonName(), values.getOrDefault(c, 0L));
        }
        return n;
    }
}
