package dev.caffemem.metrics;

import dev.caffemem.memory.Component;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.LayerBill;
import dev.caffemem.model.Mode;
import dev.caffemem.compare.PointResult;
import dev.caffemem.compare.Comparison;
import dev.caffemem.compare.ProbeReport;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The rows one run contributes to each {@link Metric}, built from its result alone (pure functions,
 * no registry): an estimate, a probe report, and the capacity (largest batch) of the net.
 */
public final class Series {
    private final Map<Metric, List<MultiGauge.Row<?>>> rows = new EnumMap<>(Metric.class);

    /** The labels every series of one run carries. */
    public record Labels(String command, String net, String phase, String device) {
        public Labels {
            net = net == null || net.isEmpty() ? "net" : net;
            phase = phase.toLowerCase(Locale.ROOT);
            device = device.toLowerCase(Locale.ROOT);
        }

        static Labels of(String command, Estimate e) {
            return new Labels(command, e.netName(), e.phase().name(), e.mode().name());
        }

        static Labels of(ProbeReport r) {
            boolean gpu = !r.points().isEmpty() && r.points().get(0).gpu() != null;
            return new Labels("probe", r.netName(), r.phase().name(), (gpu ? Mode.GPU : Mode.CPU).name());
        }

        Tags tags() {
            return Tags.of("command", command, "net", net, "phase", phase, "device", device);
        }
    }

    public Map<Metric, List<MultiGauge.Row<?>>> rows() {
        return rows;
    }

    private void add(Metric m, Tags tags, double value) {
        rows.computeIfAbsent(m, k -> new ArrayList<>()).add(m.row(tags, value));
    }

    /** {@code caffemem calibrate}: the overheads measured on one GPU, for the profile they went into. */
    public static Series ofCalibration(dev.caffemem.probe.Calibration c, String profile) {
        Series s = new Series();
        Tags at = Tags.of("command", "calibrate", "gpu", c.name(), "profile", profile);
        s.add(Metric.GPU_OVERHEAD, at.and("kind", "context"), c.contextBytes());
        s.add(Metric.GPU_OVERHEAD, at.and("kind", "cublas_handle"), c.cublasHandleBytes());
        s.add(Metric.GPU_OVERHEAD, at.and("kind", "curand_generator"), c.curandGeneratorBytes());
        s.add(Metric.GPU_OVERHEAD, at.and("kind", "cudnn_handle"), c.cudnnHandleBytes());
        s.add(Metric.GPU_OVERHEAD, at.and("kind", "allocation_step"), c.allocationGranularityBytes());
        if (c.largestConvWorkspace() != null) {
            s.add(Metric.GPU_OVERHEAD, at.and("kind", "conv_workspace"), c.largestConvWorkspace());
        }
        s.add(Metric.GPU_OVERHEAD, at.and("kind", "usable"), c.usableBytes());
        return s;
    }

    /** {@code caffemem estimate}: the bill and its fixed and per-sample parts by component. */
    public static Series ofEstimate(Estimate e, boolean perLayer) {
        Series s = new Series();
        Labels labels = Labels.of("estimate", e);
        Tags at = labels.tags().and("batch", Integer.toString(e.batch()));
        for (Component c : Component.values()) {
            if (c.gpuOnly() && e.gpu() == null) {
                continue; // always zero on the CPU: a series of zeros would only be noise
            }
            s.add(Metric.MEMORY, at.and("component", c.jsonName(), "kind", "estimated"), e.breakdown().bytes(c));
            s.fit(labels, c.jsonName(), "allocator", "estimated", e.fixedBytes().get(c), e.perSampleBytes().get(c));
        }
        s.add(Metric.MEMORY, at.and("component", "total", "kind", "estimated"), e.totalBytes());
        s.fit(labels, "total", "allocator", "estimated", e.fixedTotal(), e.perSampleTotal());
        if (e.gpu() != null) {
            // on a GPU, the two sides' totals: device memory is the one that must fit
            s.add(Metric.MEMORY, at.and("component", "deviceTotal", "kind", "estimated"), e.gpu().deviceBytes());
            s.add(Metric.MEMORY, at.and("component", "hostTotal", "kind", "estimated"), e.gpu().hostBytes());
            s.fit(labels, "deviceTotal", "allocator", "estimated", e.gpu().deviceFixed(), e.gpu().devicePerSample());
            s.fit(labels, "hostTotal", "allocator", "estimated", e.gpu().hostFixed(), e.gpu().hostPerSample());
        }
        if (perLayer) {
            s.layers(labels, e);
        }
        return s;
    }

    /**
     * {@code caffemem probe}: estimate, extrapolation and measurement at the target by the report's
     * components, their errors, every probe point at each level, and the fitted lines.
     *
     * @param userEstimate the analytical estimate of the net as given, for per-layer rows, or null for none
     */
    public static Series ofProbe(ProbeReport r, Estimate userEstimate) {
        Series s = new Series();
        Labels labels = Labels.of(r);
        Tags at = labels.tags().and("batch", Integer.toString(r.targetBatch()));
        for (Comparison c : r.comparisons()) {
            Tags component = at.and("component", c.name());
            s.add(Metric.MEMORY, component.and("kind", "estimated"), c.estimated());
            s.add(Metric.MEMORY, component.and("kind", "extrapolated"), c.extrapolated());
            if (c.measured() != null) {
                s.add(Metric.MEMORY, component.and("kind", "measured"), c.measured());
            }
            s.error(component, "estimated", "extrapolated", c.estimateVersusExtrapolation());
            s.error(component, "estimated", "measured", c.estimateError());
            s.error(component, "extrapolated", "measured", c.extrapolationError());
            String level = blobLevel(c.name()) ? "blob" : "allocator";
            s.fit(labels, c.name(), level, "measured", c.fit().fixedRounded(), c.fit().perSampleBytes());
        }
        s.fit(labels, "total", "blob", "measured", r.blobFit().fixedRounded(), r.blobFit().perSampleBytes());
        s.fit(labels, "total", "rss", "measured", r.rssFit().fixedRounded(), r.rssFit().perSampleBytes());
        for (PointResult p : r.points()) {
            Tags point = labels.tags().and("batch", Integer.toString(p.batch()));
            s.add(Metric.PROBE_POINT, point.and("level", "blob"), p.blobBytes());
            s.add(Metric.PROBE_POINT, point.and("level", "allocator"), p.allocatorBytes());
            s.add(Metric.PROBE_POINT, point.and("level", "rss"), p.rssBytes());
            s.add(Metric.PROBE_POINT, point.and("level", "rss_peak"), p.rssPeakBytes());
        }
        if (userEstimate != null) {
            s.layers(labels, userEstimate);
        }
        return s;
    }

    /** Whether a probe report's row is a component a blob-level census sees in full. */
    private static boolean blobLevel(String row) {
        Component c = Component.ofJsonNameOrNull(row);
        return c != null && c.blobLevel();
    }

    /** The largest batch that fits (absent when the net builds at its own batch only) in {@code memory} bytes. */
    public Series withCapacity(Labels labels, long memory, OptionalInt maxBatch) {
        add(Metric.MEMORY_AVAILABLE, labels.tags(), memory);
        maxBatch.ifPresent(b -> add(Metric.MAX_BATCH, labels.tags(), b));
        return this;
    }

    private void fit(Labels labels, String component, String level, String kind, double fixed, double perSample) {
        Tags t = labels.tags().and("component", component, "level", level, "kind", kind);
        add(Metric.FIT_FIXED, t, fixed);
        add(Metric.FIT_PER_SAMPLE, t, perSample);
    }

    private void error(Tags component, String kind, String reference, double ratio) {
        if (!Double.isNaN(ratio)) {
            add(Metric.ESTIMATE_ERROR, component.and("kind", kind, "reference", reference), ratio);
        }
    }

    /** Each layer's nonzero components and its total (zero components would only be noise). */
    private void layers(Labels labels, Estimate e) {
        Tags at = labels.tags().and("batch", Integer.toString(e.batch()));
        for (LayerBill l : e.layers()) {
            Tags layer = at.and("layer", l.name(), "type", l.type());
            for (Component c : Component.values()) {
                if (l.bytes(c) != 0) {
                    add(Metric.LAYER_MEMORY, layer.and("component", c.jsonName()), l.bytes(c));
                }
            }
            add(Metric.LAYER_MEMORY, layer.and("component", "total"), l.totalBytes());
        }
    }
}
