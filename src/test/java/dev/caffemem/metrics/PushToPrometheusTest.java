package dev.caffemem.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caffemem.cli.CliRun;
import dev.caffemem.cli.ExitCodes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real probe pushes its metrics to a real Pushgateway, a real Prometheus scrapes the Pushgateway, and
 * what Prometheus' query API answers equals the numbers of the probe's own JSON report.
 */
class PushToPrometheusTest {
    static final String TINY = "src/test/resources/dev/caffemem/metrics/tiny.prototxt";
    private static PrometheusProcesses prometheus;

    @BeforeAll
    static void start() throws Exception {
        prometheus = PrometheusProcesses.withPushgateway();
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void probeMetricsReadBackFromPrometheusEqualTheReport(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("probe.prom");
        double before = System.currentTimeMillis() / 1000.0;
        CliRun r = CliRun.of("probe", TINY, "--points", "1,2", "--verify", "--format", "json",
                "--push-gateway", prometheus.pushgatewayUrl(), "--job", "caffemem-test", "--metrics-file", file.toString());
        double after = System.currentTimeMillis() / 1000.0;
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        JsonNode target = json.get("target");
        String run = "job=\"caffemem-test\",command=\"probe\",net=\"tiny\",phase=\"train\",device=\"cpu\"";
        String at = run + ",batch=\"" + target.get("batch").asInt() + "\"";

        for (String kind : List.of("estimated", "extrapolated", "measured")) {
            assertThat(prometheus.one("caffemem_memory_bytes{" + at + ",kind=\"" + kind + "\",component=\"total\"}").asLong())
                    .as(kind).isEqualTo(target.get(kind).get("totalBytes").asLong());
            var components = target.get(kind).get("components").fields();
            while (components.hasNext()) {
                var c = components.next();
                assertThat(prometheus.one("caffemem_memory_bytes{" + at + ",kind=\"" + kind + "\",component=\""
                        + c.getKey() + "\"}").asLong()).as(kind + " " + c.getKey()).isEqualTo(c.getValue().asLong());
            }
        }
        assertThat(prometheus.one("caffemem_estimate_error_ratio{" + at + ",component=\"total\",kind=\"estimated\","
                + "reference=\"measured\"}").asDouble()).isEqualTo(target.get("estimateError").asDouble());
        assertThat(prometheus.one("caffemem_estimate_error_ratio{" + at + ",component=\"total\",kind=\"extrapolated\","
                + "reference=\"measured\"}").asDouble()).isEqualTo(target.get("extrapolationError").asDouble());

        for (JsonNode p : json.get("points")) {
            String point = run + ",batch=\"" + p.get("batch").asInt() + "\"";
            assertThat(prometheus.one("caffemem_probe_point_bytes{" + point + ",level=\"allocator\"}").asLong())
                    .isEqualTo(p.get("allocatorBytes").asLong());
            assertThat(prometheus.one("caffemem_probe_point_bytes{" + point + ",level=\"blob\"}").asLong())
                    .isEqualTo(p.get("blobBytes").asLong());
            assertThat(prometheus.one("caffemem_probe_point_bytes{" + point + ",level=\"rss\"}").asLong())
                    .isEqualTo(p.get("rssBytes").asLong());
            assertThat(prometheus.one("caffemem_probe_point_bytes{" + point + ",level=\"rss_peak\"}").asLong())
                    .isEqualTo(p.get("rssPeakBytes").asLong());
        }

        JsonNode fit = json.get("fit");
        String total = run + ",component=\"total\",kind=\"measured\"";
        assertThat(prometheus.one("caffemem_fit_per_sample_bytes{" + total + ",level=\"allocator\"}").asDouble())
                .isEqualTo(fit.get("perSampleBytes").asDouble());
        assertThat(prometheus.one("caffemem_fit_fixed_bytes{" + total + ",level=\"allocator\"}").asLong())
                .isEqualTo(fit.get("fixedBytes").asLong());
        assertThat(prometheus.one("caffemem_fit_per_sample_bytes{" + total + ",level=\"blob\"}").asDouble())
                .isEqualTo(fit.get("blob").get("perSampleBytes").asDouble());
        assertThat(prometheus.one("caffemem_fit_per_sample_bytes{" + total + ",level=\"rss\"}").asDouble())
                .isEqualTo(fit.get("rss").get("perSampleBytes").asDouble());
        assertThat(prometheus.one("caffemem_probe_duration_seconds_sum{" + run + "}").asDouble())
                .isEqualTo(json.get("seconds").asDouble());
        assertThat(prometheus.one("caffemem_probe_duration_seconds_count{" + run + "}").asLong()).isEqualTo(1);
        assertThat(prometheus.one("caffemem_max_batch{" + run + "}").asLong()).isPositive();
        assertThat(prometheus.one("caffemem_last_success_timestamp_seconds{job=\"caffemem-test\",command=\"probe\"}")
                .asDouble()).as("stamped during the run (a bracket, not a bound on its time)").isBetween(before, after);

        // the file holds what was pushed, and promtool accepts it
        assertThat(Promtool.check(file)).isEmpty();
        assertThat(java.nio.file.Files.readString(file)).contains("caffemem_memory_bytes{batch=\"4\",command=\"probe\","
                + "component=\"total\",device=\"cpu\",kind=\"measured\",net=\"tiny\",phase=\"train\"} "
                + target.get("measured").get("totalBytes").asLong() + ".0");
    }

    @Test
    void aFailedRunAddsItsFailureTimeAndKeepsTheLastGoodNumbers() throws Exception {
        String job = "job=\"caffemem-failing\"";
        CliRun ok = CliRun.of("estimate", TINY, "--push-gateway", prometheus.pushgatewayUrl(), "--job", "caffemem-failing");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        long total = prometheus.one("caffemem_memory_bytes{" + job + ",component=\"total\"}").asLong();
        CliRun bad = CliRun.of("estimate", "src/test/resources/dev/caffemem/cli/bad/conv-kernel-too-large.prototxt",
                "--push-gateway", prometheus.pushgatewayUrl(), "--job", "caffemem-failing");
        assertThat(bad.exitCode()).as("the run's own code wins").isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(prometheus.one("caffemem_last_failure_timestamp_seconds{" + job + ",command=\"estimate\"}").asDouble())
                .isPositive();
        assertThat(prometheus.one("caffemem_memory_bytes{" + job + ",component=\"total\"}").asLong()).isEqualTo(total);
        assertThat(prometheus.one("caffemem_last_success_timestamp_seconds{" + job + ",command=\"estimate\"}").asDouble())
                .isPositive();
    }
}
