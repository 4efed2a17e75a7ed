package dev.caffemem.metrics;

import dev.caffemem.BuildInfo;
import dev.caffemem.fit.MaxBatch;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.compare.ProbeReport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * caffemem's meters in a Prometheus registry. The dimensional one-shot values of a run are
 * {@link MultiGauge}s ({@link Metric}); each command's latest run replaces that command's rows. Besides
 * them: {@code caffemem.probe.duration}, a {@link Timer} (count and sum add up over an agent's probes;
 * one push carries one probe), and {@code caffemem.last.success.timestamp} /
 * {@code caffemem.last.failure.timestamp}, gauges of Unix time in seconds per command, the usual way to
 * alert on a batch job that stopped succeeding; and in every registry {@code caffemem.build.info} (1,
 * labelled with the version and the Caffe the probe loads), so every file, push and scrape says what
 * made it. Scrapes and updates are serialised, so a scrape never sees half a run. No native code: the
 * probe's report is plain data.
 */
public final class CaffememMeters {
    private final PrometheusMeterRegistry registry;
    private final Clock clock;
    private final Map<Metric, MultiGauge> gauges = new EnumMap<>(Metric.class);
    private final Map<String, Series> latest = new HashMap<>();
    private final Map<String, AtomicLong> lastSuccess = new HashMap<>();
    private final Map<String, AtomicLong> lastFailure = new HashMap<>();

    public CaffememMeters() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC());
    }

    public CaffememMeters(PrometheusMeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        BuildInfo build = BuildInfo.current();
        // the usual info pattern: a constant 1 whose labels say what runs, so that a query can join on them
        Gauge.builder("caffemem.build.info", () -> 1).description("caffemem's version and the Caffe its probe loads; always 1")
                .tags("version", build.version(), "caffe", build.caffe()).register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text format (0.0.4) of everything registered. */
    public synchronized String scrape() {
        return registry.scrape();
    }

    /**
     * An estimate's bill, and the largest batch that fits in {@code memory}.
     *
     * @param request the request the estimate answered, re-run at other batches for the largest batch
     */
    public void recordEstimate(Estimate e, EstimateRequest request, long memory, boolean perLayer) {
        Series s = Series.ofEstimate(e, perLayer).withCapacity(Series.Labels.of("estimate", e), memory,
                MaxBatch.solve(request, memory));
        publish("estimate", s);
    }

    /**
     * A probe's report, its duration, and the largest batch whose estimate fits in {@code memory}.
     *
     * @param request the user's request (the net as given), for the largest batch and per-layer rows
     */
    public void recordProbe(ProbeReport r, EstimateRequest request, long memory, boolean perLayer) {
        Series.Labels labels = Series.Labels.of(r);
        Series s = Series.ofProbe(r, perLayer ? Estimator.estimate(request) : null)
                .withCapacity(labels, memory, MaxBatch.solve(request, memory));
        publish("probe", s);
        synchronized (this) {
            Timer.builder("caffemem.probe.duration")
                    .description("Wall time of a whole probe: every child, point and fit")
                    .tags(labels.tags())
                    .register(registry).record(Duration.ofNanos(Math.round(r.seconds() * 1e9)));
        }
    }

    /** A calibration's measured overheads. */
    public void recordCalibration(dev.caffemem.probe.Calibration c, String profile) {
        publish("calibrate", Series.ofCalibration(c, profile));
    }

    /** Replaces the rows of {@code command}'s previous run with {@code series}. */
    public synchronized void publish(String command, Series series) {
        latest.put(command, series);
        for (Metric m : Metric.values()) {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            latest.values().forEach(s -> rows.addAll(s.rows().getOrDefault(m, List.of())));
            gauges.computeIfAbsent(m, this::multiGauge).register(rows, true);
        }
    }

    public synchronized void succeeded(String command) {
        stamp(lastSuccess, "caffemem.last.success.timestamp", "Unix time of the last run that produced its report",
                command);
    }

    public synchronized void failed(String command) {
        stamp(lastFailure, "caffemem.last.failure.timestamp", "Unix time of the last run that failed", command);
    }

    private void stamp(Map<String, AtomicLong> holders, String name, String description, String command) {
        AtomicLong holder = holders.computeIfAbsent(command, c -> {
            AtomicLong h = new AtomicLong();
            Gauge.builder(name, h, v -> v.get() / 1000.0).description(description).baseUnit("seconds")
                    .tag("command", c).strongReference(true).register(registry);
            return h;
        });
        holder.set(clock.millis());
    }

    private MultiGauge multiGauge(Metric m) {
        MultiGauge.Builder b = MultiGauge.builder(m.meterName()).description(m.description());
        if (m.unit() != null) {
            b.baseUnit(m.unit());
        }
        return b.register(registry);
    }
}
