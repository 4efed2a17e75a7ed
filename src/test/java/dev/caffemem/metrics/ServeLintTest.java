package dev.caffemem.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.BuildInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code caffemem serve} as a user runs it (its own JVM), its live {@code /metrics} checked by the real
 * {@code promtool check metrics}: right after start, and after a real estimate and a real probe of the test
 * net, when every family (caffemem's and the JVM's) is in the scrape. Also what a scrape must hold from the
 * start: every run counter at 0, and caffemem_build_info.
 */
class ServeLintTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static Path dir;
    private static Process serve;
    private static int port;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a guard against a hang, not a bound on speed
    static void start() throws Exception {
        PrometheusProcesses.requireInstalled(PrometheusProcesses.PROMTOOL);
        dir = Files.createTempDirectory("serve-lint-");
        port = PrometheusProcesses.freePort();
        serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "dev.caffemem.cli.Main", "serve", PushToPrometheusTest.TINY,
                "--port", Integer.toString(port), "--memory", "64MiB")
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile()).start();
        // waits on the agent's own "listening" line, however long a loaded machine takes to start a JVM
        while (!Files.readString(dir.resolve("err")).contains("listening on")) {
            assertThat(serve.isAlive()).as(ServeLintTest::err).isTrue();
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null && serve.isAlive()) {
            serve.destroy();
            if (!serve.waitFor(15, TimeUnit.SECONDS)) {
                serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (dir != null) {
            for (String f : List.of("out", "err", "scrape.prom")) {
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

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(120)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A live scrape, saved where promtool reads it, with promtool's verdict (empty when it accepts it). */
    private static String scrapeAndLint() throws Exception {
        HttpResponse<String> r = send("GET", "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        Path file = dir.resolve("scrape.prom");
        Files.writeString(file, r.body());
        assertThat(Promtool.check(file)).as("promtool check metrics on the scrape:\n" + r.body()).isEmpty();
        return r.body();
    }

    @Test
    void promtoolAcceptsTheLiveScrapeBeforeAndAfterRealRuns() throws Exception {
        BuildInfo build = BuildInfo.current();
        String first = scrapeAndLint();
        assertThat(first).contains(
                "caffemem_build_info{caffe=\"" + build.caffe() + "\",version=\"" + build.version() + "\"} 1",
                "caffemem_runs_total{command=\"estimate\",outcome=\"failure\"} 0.0",
                "caffemem_runs_total{command=\"estimate\",outcome=\"success\"} 0.0",
                "caffemem_runs_total{command=\"probe\",outcome=\"failure\"} 0.0",
                "caffemem_runs_total{command=\"probe\",outcome=\"success\"} 0.0",
                // the two JVM series promtool refused under micrometer's names, under names it accepts
                "# TYPE process_cpu_seconds_total counter", "# TYPE system_cpus_available gauge");
        assertThat(first).doesNotContain("process_cpu_time_ns_total", "system_cpu_count");

        assertThat(send("POST", "/estimate").statusCode()).as(ServeLintTest::err).isEqualTo(200);
        assertThat(send("POST", "/probe?points=1,2&verify=true").statusCode()).as(ServeLintTest::err).isEqualTo(200);
        String after = scrapeAndLint();
        assertThat(after).contains("caffemem_runs_total{command=\"estimate\",outcome=\"success\"} 1.0",
                "caffemem_runs_total{command=\"probe\",outcome=\"success\"} 1.0",
                "caffemem_runs_total{command=\"probe\",outcome=\"failure\"} 0.0",
                "# TYPE caffemem_probe_duration_seconds summary", "caffemem_memory_bytes{batch=\"4\",command=\"estimate\"",
                "caffemem_build_info{");
        // CPU runs: no GPU-only components, which would always be zero
        assertThat(after).doesNotContain("cudaContext", "cudnnWorkspace", "deviceTotal");
    }
}
