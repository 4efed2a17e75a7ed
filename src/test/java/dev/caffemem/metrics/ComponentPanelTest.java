package dev.caffemem.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caffemem.cli.CliRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's "By component" panel counts each byte once. A GPU estimate and a CPU estimate of the seed
 * example are pushed to a real Pushgateway, a real Prometheus scrapes it, and the panel's own query, read
 * back through Prometheus, holds exactly the report's components, which add up to the report's total. (A GPU
 * estimate also exports deviceTotal and hostTotal, whose sum is the total: a panel that shows them next to
 * the components counts every byte twice.)
 */
class ComponentPanelTest {
    private static final String PANEL = "By component (latest)";
    private static final String SEED = "examples/seed/solver.prototxt";
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

    /** Pushes one estimate under {@code job} and returns its JSON report. */
    private static JsonNode push(String job, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("estimate", "--solver", SEED, "--format", "json",
                "--push-gateway", prometheus.pushgatewayUrl(), "--job", job));
        args.addAll(List.of(options));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    /** The panel's query, with $job set to {@code job} and the other variables matching all. */
    private static String panelQuery(String job) throws Exception {
        String q = DashboardTest.query(PANEL).replace("job=~\".*\"", "job=\"" + job + "\"");
        assertThat(q).as("the panel's query selects by job").contains("job=\"" + job + "\"");
        return q;
    }

    /** The panel's series of one job, by component, once Prometheus has scraped them all. */
    private static Map<String, Long> panel(String job, int components) throws Exception {
        String q = panelQuery(job);
        List<PrometheusProcesses.Sample> found = List.of();
        for (int i = 0; i < 200 && found.size() < components; i++) {
            found = prometheus.query(q);
            Thread.sleep(200);
        }
        Map<String, Long> out = new TreeMap<>();
        for (PrometheusProcesses.Sample s : found) {
            assertThat(out.put(s.labels().get("component"), s.asLong())).as("one series per component: " + found).isNull();
        }
        return out;
    }

    private static Map<String, Long> components(JsonNode report) {
        Map<String, Long> out = new TreeMap<>();
        report.get("components").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }

    @Test
    void aGpuEstimatesBarsAreItsComponentsAndAddUpToItsTotal() throws Exception {
        JsonNode gpu = push("caffemem-gpu", "--profile", "v100-16gb");
        Map<String, Long> expected = components(gpu);
        assertThat(expected).containsKeys("cudaContext", "cudnnWorkspace");
        Map<String, Long> bars = panel("caffemem-gpu", expected.size());
        assertThat(bars).isEqualTo(expected);
        long total = gpu.get("totalBytes").asLong();
        assertThat(bars.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
        // the totals are still exported, for the panels that want them; the component panel leaves them out
        String run = "job=\"caffemem-gpu\",kind=\"estimated\",";
        long device = prometheus.one("caffemem_memory_bytes{" + run + "component=\"deviceTotal\"}").asLong();
        long host = prometheus.one("caffemem_memory_bytes{" + run + "component=\"hostTotal\"}").asLong();
        assertThat(device + host).isEqualTo(total);
        assertThat(prometheus.one("sum(" + panelQuery("caffemem-gpu") + ")").asLong()).isEqualTo(total);
    }

    @Test
    void aCpuEstimatesBarsHaveNoGpuComponents() throws Exception {
        JsonNode cpu = push("caffemem-cpu");
        Map<String, Long> bars = panel("caffemem-cpu", 9);
        assertThat(bars).doesNotContainKeys("cudaContext", "cudnnWorkspace");
        Map<String, Long> expected = components(cpu);
        expected.keySet().removeAll(List.of("cudaContext", "cudnnWorkspace")); // the JSON has them, at 0
        assertThat(bars).isEqualTo(expected);
        assertThat(bars.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(cpu.get("totalBytes").asLong());
    }
}
