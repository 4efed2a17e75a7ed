package dev.caffemem.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code caffemem serve} as a user runs it (its own JVM), scraped by a real Prometheus: a probe and an
 * estimate requested over HTTP read back from Prometheus equal to the reports the agent answered, the
 * JVM's metrics are there too, and SIGTERM stops the agent cleanly.
 */
class ServeScrapeTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static Path dir;
    private static Process serve;
    private static int port;
    private static PrometheusProcesses prometheus;

    @BeforeAll
    static void start() throws Exception {
        PrometheusProcesses.requireInstalled(PrometheusProcesses.PROMETHEUS);
        dir = Files.createTempDirectory("serve-test-");
        port = PrometheusProcesses.freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.caffemem.cli.Main", "serve",
                PushToPrometheusTest.TINY, "--port", Integer.toString(port), "--memory", "64MiB"));
        serve = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile())
                .start();
        while (!Files.readString(dir.resolve("err")).contains("listening on")) {
            // a serve that cannot start exits (a bad net, a taken port): no clock needed to see it
            assertThat(serve.isAlive()).as(() -> err()).isTrue();
            Thread.sleep(100);
        }
        prometheus = PrometheusProcesses.scraping("caffemem-serve", port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null && serve.isAlive()) {
            serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (prometheus != null) {
            prometheus.close();
        }
        if (dir != null) {
            for (String f : List.of("out", "err")) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.deleteIfExists(dir);
        }
    }

    private static String err() {
        try {
            return Files.readString(dir.resolve("err"));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static HttpResponse<String> post(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void scrapedMetricsEqualTheReportsAndSigtermStopsTheAgent() throws Exception {
        HttpResponse<String> probe = post("/probe?points=1,2&verify=true");
        assertThat(probe.statusCode()).as(probe.body() + err()).isEqualTo(200);
        JsonNode target = new ObjectMapper().readTree(probe.body()).get("target");
        String at = "job=\"caffemem-serve\",command=\"probe\",net=\"tiny\",phase=\"train\",device=\"cpu\",batch=\"4\"";
        for (String kind : List.of("estimated", "extrapolated", "measured")) {
            assertThat(prometheus.one("caffemem_memory_bytes{" + at + ",kind=\"" + kind + "\",component=\"total\"}").asLong())
                    .as(kind).isEqualTo(target.get(kind).get("totalBytes").asLong());
        }
        assertThat(prometheus.one("caffemem_memory_bytes{" + at + ",kind=\"measured\",component=\"activationData\"}")
                .asLong()).isEqualTo(target.get("measured").get("components").get("activationData").asLong());

        HttpResponse<String> estimate = post("/estimate?batch=8");
        assertThat(estimate.statusCode()).as(estimate.body()).isEqualTo(200);
        JsonNode e = new ObjectMapper().readTree(estimate.body());
        String est = "job=\"caffemem-serve\",command=\"estimate\",net=\"tiny\",phase=\"train\",device=\"cpu\"";
        assertThat(prometheus.one("caffemem_memory_bytes{" + est + ",batch=\"8\",kind=\"estimated\",component=\"total\"}")
                .asLong()).isEqualTo(e.get("totalBytes").asLong());
        assertThat(prometheus.one("caffemem_fit_per_sample_bytes{" + est + ",component=\"total\",kind=\"estimated\"}")
                .asLong()).isEqualTo(e.get("perSampleBytes").asLong());
        assertThat(prometheus.one("caffemem_memory_available_bytes{" + est + "}").asLong()).isEqualTo(64L << 20);
        assertThat(prometheus.one("caffemem_max_batch{" + est + "}").asLong()).isPositive();
        assertThat(prometheus.one("caffemem_runs_total{job=\"caffemem-serve\",command=\"probe\",outcome=\"success\"}")
                .asLong()).isEqualTo(1);
        // the probe's series are still there after the estimate: each command replaces only its own
        assertThat(prometheus.one("caffemem_memory_bytes{" + at + ",kind=\"measured\",component=\"total\"}").asLong())
                .isEqualTo(target.get("measured").get("totalBytes").asLong());
        assertThat(prometheus.query("jvm_memory_used_bytes{job=\"caffemem-serve\",area=\"heap\"}")).isNotEmpty();
        assertThat(prometheus.one("up{job=\"caffemem-serve\"}").asLong()).isEqualTo(1);
        for (String q : DashboardTest.queries()) {
            assertThat(prometheus.query(q)).as("the dashboard's query " + q).isNotEmpty();
        }

        serve.destroy(); // SIGTERM
        // a bound for a hang, not a timing assertion
        assertThat(serve.waitFor(120, TimeUnit.SECONDS)).as("serve stops on SIGTERM").isTrue();
        assertThat(err()).contains("caffemem serve: stopping", "caffemem serve: stopped");
        assertThat(serve.exitValue()).isEqualTo(143); // 128 + SIGTERM: the JVM's exit after its shutdown hooks
    }
}
