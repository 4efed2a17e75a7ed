package dev.caffemem.metrics;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * The dimensional gauges of one run. Every one is a {@link MultiGauge}: a run's values are one-shot
 * readings (a bill, a measurement, a fit), not rates, and the next run of the same command replaces
 * its rows, so series of a net or batch no longer run disappear instead of going stale. Each has a
 * fixed set of tag keys (Prometheus needs the same label names on every series of a metric), checked
 * when a row is made. docs/metrics.md documents each as Prometheus names it.
 */
public enum Metric {
    MEMORY("caffemem.memory", "bytes",
            "Memory one run holds at the target batch, by component: kind=estimated (the analytical bill), "
                    + "extrapolated (the probe's fit at the target) or measured (the probe's --verify run)",
            "command", "net", "phase", "device", "batch", "component", "kind"),
    LAYER_MEMORY("caffemem.layer.memory", "bytes",
            "The analytical bill of one layer at the target batch, by component (only with --metrics-per-layer)",
            "command", "net", "phase", "device", "batch", "layer", "type", "component"),
    PROBE_POINT("caffemem.probe.point", "bytes",
            "What the real Caffe allocated at one small probe batch, at one level: blob (every SyncedMemory), "
                    + "allocator (glibc in use), rss (anonymous resident memory), rss_peak (peak resident memory)",
            "command", "net", "phase", "device", "batch", "level"),
    FIT_PER_SAMPLE("caffemem.fit.per.sample", "bytes",
            "Bytes each extra sample adds, by component and level: kind=estimated (the analytical model) or "
                    + "measured (the line through the probe points)",
            "command", "net", "phase", "device", "component", "level", "kind"),
    FIT_FIXED("caffemem.fit.fixed", "bytes",
            "Bytes that do not grow with the batch, by component and level: kind=estimated or measured",
            "command", "net", "phase", "device", "component", "level", "kind"),
    ESTIMATE_ERROR("caffemem.estimate.error", "ratio",
            "(kind - reference) / reference at the target batch, by component: the estimate or the "
                    + "extrapolation against the measurement, and the estimate against the extrapolation",
            "command", "net", "phase", "device", "batch", "component", "kind", "reference"),
    MAX_BATCH("caffemem.max.batch", null,
            "The largest batch whose analytical bill fits in caffemem_memory_available_bytes",
            "command", "net", "phase", "device"),
    MEMORY_AVAILABLE("caffemem.memory.available", "bytes",
            "The memory caffemem_max_batch is computed for: --memory (estimate), --memory-limit (probe), "
                    + "else what this machine has available",
            "command", "net", "phase", "device"),
    GPU_OVERHEAD("caffemem.gpu.overhead", "bytes",
            "What caffemem calibrate measured on a GPU, by kind: context (CUDA context with the libraries' modules), "
                    + "cublas_handle, curand_generator, cudnn_handle, allocation_step, conv_workspace (the largest), "
                    + "usable (device memory CUDA reports)",
            "command", "gpu", "profile", "kind");

    private final String meterName;
    private final String unit;
    private final String description;
    private final List<String> tagKeys;

    Metric(String meterName, String unit, String description, String... tagKeys) {
        this.meterName = meterName;
        this.unit = unit;
        this.description = description;
        this.tagKeys = List.of(tagKeys);
    }

    public String meterName() {
        return meterName;
    }

    /** Micrometer's base unit, which the Prometheus naming convention appends ({@code _bytes}), or null. */
    public String unit() {
        return unit;
    }

    public String description() {
        return description;
    }

    public List<String> tagKeys() {
        return tagKeys;
    }

    /** One series of this metric; the tags must be exactly {@link #tagKeys()}. */
    public MultiGauge.Row<Number> row(Tags tags, double value) {
        List<String> keys = new ArrayList<>();
        for (Tag t : tags) {
            keys.add(t.getKey());
        }
        if (!keys.equals(tagKeys.stream().sorted().toList())) {
            throw new IllegalArgumentException(meterName + ": tags " + keys + " are not " + tagKeys);
        }
        return MultiGauge.Row.of(tags, value);
    }
}
