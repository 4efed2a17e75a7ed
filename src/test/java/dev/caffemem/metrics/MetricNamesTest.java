package dev.caffemem.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caffemem.fit.MaxBatch;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.compare.PointResult;
import dev.caffemem.compare.Comparison;
import dev.caffemem.fit.LinearFit;
import dev.caffemem.net.Phase;
import dev.caffemem.compare.ProbeReport;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The names, types, labels and values Prometheus sees, from the registry's own text format. */
class MetricNamesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L, 250_000_000), ZoneOffset.UTC);

    private static CaffememMeters meters() {
        return new CaffememMeters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), CLOCK);
    }

    /** A probe report with round numbers: two points, a verify run, one blob component and the totals. */
    static ProbeReport report() {
        LinearFit line = new LinearFit(1000, 250.5, 0, 2, 2);
        List<Comparison> rows = List.of(
                new Comparison("activationData", 4000, 4000, 4000L, new LinearFit(0, 1000, 0, 2, 2)),
                new Comparison("testNet", 0, 0, 0L, new LinearFit(0, 0, 0, 2, 2)),
                new Comparison("total", 2050, 2002, 2000L, line));
        PointResult p1 = new PointResult(1, List.of(), List.of(), 0, List.of(), 1250, 4096, 8192, 0, Map.of(), null, List.of());
        PointResult p2 = new PointResult(2, List.of(), List.of(), 0, List.of(), 1501, 8192, 12288, 0, Map.of(), null, List.of());
        return new ProbeReport("tiny", Phase.TRAIN, "SGD", "cpu", 4, List.of(p1, p2), rows, line,
                new LinearFit(0, 0, 0, 2, 2), new LinearFit(100, -12.25, 0, 2, 2), null, List.of(), 2.5, List.of());
    }

    /** One line of the text format: labels in the order Prometheus' writer sorts them (by name). */
    static String line(String name, String value, String... labels) {
        java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            sorted.put(labels[i], labels[i + 1]);
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        sorted.forEach((k, v) -> sb.append(k).append("=\"").append(v).append("\","));
        sb.setLength(sb.length() - 1);
        return sb.append("} ").append(value).toString();
    }

    private static String[] with(String[] base, String... more) {
        String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }

    @Test
    void probeSeriesAsPrometheusNamesThem() {
        CaffememMeters m = meters();
        EstimateRequest tiny = Requests.train(Requests.TINY);
        m.recordProbe(report(), tiny, 1L << 20, false);
        m.succeeded("probe");
        String text = m.scrape();
        String[] run = {"command", "probe", "net", "tiny", "phase", "train", "device", "cpu"};
        String[] at = with(run, "batch", "4");
        assertThat(text).contains(
                "# TYPE caffemem_memory_bytes gauge",
                line("caffemem_memory_bytes", "2050.0", with(at, "component", "total", "kind", "estimated")),
                line("caffemem_memory_bytes", "2002.0", with(at, "component", "total", "kind", "extrapolated")),
                line("caffemem_memory_bytes", "2000.0", with(at, "component", "total", "kind", "measured")),
                line("caffemem_memory_bytes", "4000.0", with(at, "component", "activationData", "kind", "measured")),
                "# TYPE caffemem_estimate_error_ratio gauge",
                line("caffemem_estimate_error_ratio", "0.025", with(at, "component", "total", "kind", "estimated", "reference", "measured")),
                line("caffemem_estimate_error_ratio", "0.001", with(at, "component", "total", "kind", "extrapolated", "reference", "measured")),
                line("caffemem_estimate_error_ratio", Double.toString(48 / 2002.0),
                        with(at, "component", "total", "kind", "estimated", "reference", "extrapolated")),
                line("caffemem_probe_point_bytes", "1250.0", with(run, "batch", "1", "level", "allocator")),
                line("caffemem_probe_point_bytes", "12288.0", with(run, "batch", "2", "level", "rss_peak")),
                line("caffemem_probe_point_bytes", "8192.0", with(run, "batch", "2", "level", "rss")),
                line("caffemem_probe_point_bytes", "0.0", with(run, "batch", "2", "level", "blob")),
                "# TYPE caffemem_fit_per_sample_bytes gauge",
                line("caffemem_fit_per_sample_bytes", "250.5", with(run, "component", "total", "kind", "measured", "level", "allocator")),
                line("caffemem_fit_per_sample_bytes", "-12.25", with(run, "component", "total", "kind", "measured", "level", "rss")),
                line("caffemem_fit_per_sample_bytes", "1000.0", with(run, "component", "activationData", "kind", "measured", "level", "blob")),
                line("caffemem_fit_fixed_bytes", "1000.0", with(run, "component", "total", "kind", "measured", "level", "allocator")),
                "# TYPE caffemem_probe_duration_seconds summary",
                line("caffemem_probe_duration_seconds_count", "1", run),
                line("caffemem_probe_duration_seconds_sum", "2.5", run),
                line("caffemem_memory_available_bytes", "1048576.0", run),
                "# TYPE caffemem_max_batch gauge",
                line("caffemem_max_batch", MaxBatch.solve(tiny, 1L << 20).orElseThrow() + ".0", run),
                "# TYPE caffemem_last_success_timestamp_seconds gauge",
                line("caffemem_last_success_timestamp_seconds", "1.70000000025E9", "command", "probe"));
        // the test net's error against a zero measurement is undefined: no series rather than NaN
        assertThat(text).doesNotContain("component=\"testNet\",device=\"cpu\",kind=\"estimated\",net=\"tiny\",phase=\"train\",reference=\"measured\"")
                .doesNotContain("NaN").doesNotContain("caffemem_layer_memory_bytes");
    }

    @Test
    void estimateSeriesAddUpAndPerLayerSeriesOnlyWhenAsked() {
        EstimateRequest tiny = Requests.train(Requests.TINY);
        Estimate e = Estimator.estimate(tiny);
        CaffememMeters m = meters();
        m.recordEstimate(e, tiny, 1L << 30, false);
        String text = m.scrape();
        String[] run = {"command", "estimate", "net", "tiny", "phase", "train", "device", "cpu"};
        String[] at = with(run, "batch", "4");
        assertThat(text).contains(
                line("caffemem_memory_bytes", e.totalBytes() + ".0", with(at, "component", "total", "kind", "estimated")),
                line("caffemem_memory_bytes", "16200.0", with(at, "component", "paramData", "kind", "estimated")),
                line("caffemem_fit_per_sample_bytes", e.perSampleTotal() + ".0",
                        with(run, "component", "total", "kind", "estimated", "level", "allocator")),
                line("caffemem_fit_fixed_bytes", e.fixedTotal() + ".0",
                        with(run, "component", "total", "kind", "estimated", "level", "allocator")),
                line("caffemem_memory_available_bytes", "1.073741824E9", run));
        assertThat(text).doesNotContain("caffemem_layer_memory_bytes");
        CaffememMeters layered = meters();
        layered.recordEstimate(e, tiny, 1L << 30, true);
        assertThat(layered.scrape()).contains(
                line("caffemem_layer_memory_bytes", "16040.0", with(at, "component", "paramData", "layer", "fc", "type", "InnerProduct")),
                line("caffemem_layer_memory_bytes", "0.0", with(at, "component", "total", "layer", "relu", "type", "ReLU")));
    }

    @Test
    void aNewRunReplacesItsCommandsSeriesAndKeepsTheOthers() {
        EstimateRequest tiny = Requests.train(Requests.TINY);
        CaffememMeters m = meters();
        m.recordProbe(report(), tiny, 1L << 20, false);
        m.recordEstimate(Estimator.estimate(tiny.withBatch(4)), tiny, 1L << 20, false);
        m.recordEstimate(Estimator.estimate(tiny.withBatch(8)), tiny, 1L << 20, false);
        String text = m.scrape();
        assertThat(text).contains("caffemem_memory_bytes{batch=\"8\",command=\"estimate\"")
                .doesNotContain("caffemem_memory_bytes{batch=\"4\",command=\"estimate\"")
                .contains("caffemem_memory_bytes{batch=\"4\",command=\"probe\"");
    }

    @Test
    void everyFamilyHasHelpAndTypeAndEveryNameIsDocumentedInTheMetricsReference() throws Exception {
        EstimateRequest tiny = Requests.train(Requests.TINY);
        CaffememMeters m = meters();
        m.recordProbe(report(), tiny, 1L << 20, true);
        m.recordEstimate(Estimator.estimate(tiny), tiny, 1L << 20, true);
        m.succeeded("estimate");
        m.failed("probe");
        String text = m.scrape();
        Set<String> families = new TreeSet<>();
        Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(text);
        while (type.find()) {
            families.add(type.group(1));
            assertThat(text).contains("# HELP " + type.group(1) + " ");
        }
        assertThat(families).containsExactlyInAnyOrder("caffemem_memory_bytes", "caffemem_layer_memory_bytes",
                "caffemem_probe_point_bytes", "caffemem_fit_per_sample_bytes", "caffemem_fit_fixed_bytes",
                "caffemem_estimate_error_ratio", "caffemem_max_batch", "caffemem_memory_available_bytes",
                "caffemem_probe_duration_seconds", "caffemem_probe_duration_seconds_max",
                "caffemem_last_success_timestamp_seconds", "caffemem_last_failure_timestamp_seconds",
                "caffemem_build_info");
        String reference = java.nio.file.Files.readString(java.nio.file.Path.of("docs", "metrics.md"));
        for (String f : families) {
            assertThat(reference).as("docs/metrics.md documents " + f).contains("`" + f.replaceAll("_max$", "") + "`");
        }
        assertThat(reference).contains("`caffemem_runs_total`", "`caffemem_gpu_overhead_bytes`", "`process_cpu_seconds_total`",
                "`system_cpus_available`");
    }

    @Test
    void buildInfoSaysTheVersionAndTheCaffeFromTheBuild() {
        dev.caffemem.BuildInfo b = dev.caffemem.BuildInfo.current();
        assertThat(b.version()).isNotEqualTo("unknown");
        assertThat(b.caffe()).isNotEqualTo("unknown");
        assertThat(meters().scrape()).contains("# TYPE caffemem_build_info gauge",
                "caffemem_build_info{caffe=\"" + b.caffe() + "\",version=\"" + b.version() + "\"} 1\n");
    }

    /** (A GPU estimate's file, which has them, is checked in MetricsFileTest.) */
    @Test
    void aCpuEstimateHasNoGpuOnlyComponents() {
        EstimateRequest tiny = Requests.train(Requests.TINY);
        CaffememMeters cpu = meters();
        cpu.recordEstimate(Estimator.estimate(tiny), tiny, 1L << 30, false);
        assertThat(cpu.scrape()).contains("component=\"paramData\"", "component=\"overhead\"")
                .doesNotContain("cudaContext").doesNotContain("cudnnWorkspace");
    }

    @Test
    void aRowWithOtherTagsThanItsMetricsIsRefused() {
        assertThatThrownBy(() -> Metric.MAX_BATCH.row(Tags.of("net", "x"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caffemem.max.batch");
    }
}
