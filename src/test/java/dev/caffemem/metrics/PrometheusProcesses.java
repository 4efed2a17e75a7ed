package dev.caffemem.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus (and, when asked, a real Pushgateway) for one test class: the Debian packages'
 * binaries on free loopback ports, with their own temporary config and data, stopped by {@link #close}.
 * Without the binaries, tests skip, or fail under CI=true ({@link dev.caffemem.testing.Prerequisites}); .ci/run installs them.
 */
final class PrometheusProcesses implements AutoCloseable {
    // Debian's paths; a system property moves one elsewhere, which is how the check that CI=true fails
    // without the tool is shown (docs/reliability.md) without touching the machine's own binaries
    static final Path PROMETHEUS = Path.of(System.getProperty("caffemem.test.prometheus", "/usr/bin/prometheus"));
    static final Path PUSHGATEWAY = Path.of(System.getProperty("caffemem.test.pushgateway", "/usr/bin/prometheus-pushgateway"));
    static final Path PROMTOOL = Path.of(System.getProperty("caffemem.test.promtool", "/usr/bin/promtool"));
    /** How long to wait for a process to come up or a scrape to bring a series in: a bound for a hang, not a timing check. */
    private static final Duration WAIT = Duration.ofSeconds(120);

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private int prometheusPort;
    private int pushgatewayPort;

    private PrometheusProcesses(Path dir) {
        this.dir = dir;
    }

    static void requireInstalled(Path... binaries) {
        for (Path b : binaries) {
            dev.caffemem.testing.Prerequisites.requireExecutable(b,
                    "apt-get install prometheus prometheus-pushgateway; .ci/run does");
        }
    }

    /** A Pushgateway, and a Prometheus scraping it every second with honor_labels (as one must). */
    static PrometheusProcesses withPushgateway() throws Exception {
        requireInstalled(PROMETHEUS, PUSHGATEWAY);
        PrometheusProcesses p = new PrometheusProcesses(Files.createTempDirectory("prometheus-test-"));
        try {
            p.pushgatewayPort = freePort();
            // Debian's build persists to /var/lib/prometheus/pushgateway.data by default, which would bring
            // an earlier run's pushes back: an empty file name keeps everything in memory
            p.start(List.of(PUSHGATEWAY.toString(), "--web.listen-address=127.0.0.1:" + p.pushgatewayPort,
                    "--persistence.file=", "--log.level=warn"), "pushgateway");
            p.awaitHttp("http://127.0.0.1:" + p.pushgatewayPort + "/-/ready");
            p.startPrometheus("pushgateway", p.pushgatewayPort, true);
            return p;
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
    }

    /** A Prometheus scraping {@code 127.0.0.1:port/metrics} every second, as job {@code job}. */
    static PrometheusProcesses scraping(String job, int port) throws Exception {
        requireInstalled(PROMETHEUS);
        PrometheusProcesses p = new PrometheusProcesses(Files.createTempDirectory("prometheus-test-"));
        try {
            p.startPrometheus(job, port, false);
            return p;
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
    }

    private void startPrometheus(String job, int target, boolean honorLabels) throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "scrape_configs:",
                "  - job_name: " + job,
                "    honor_labels: " + honorLabels,
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + target + "']",
                ""));
        prometheusPort = freePort();
        start(List.of(PROMETHEUS.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort, "--log.level=warn"), "prometheus");
        awaitHttp("http://127.0.0.1:" + prometheusPort + "/-/ready");
    }

    String pushgatewayUrl() {
        return "http://127.0.0.1:" + pushgatewayPort;
    }

    private void start(List<String> command, String name) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        processes.add(pb.start());
    }

    private void awaitHttp(String url) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                if (get(url).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(p.info().command().orElse("a process") + " exited with "
                            + p.exitValue() + ": " + logs());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(url + " not ready within " + WAIT.toSeconds() + " s: " + logs());
            }
            Thread.sleep(100);
        }
    }

    private String logs() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                sb.append(f.getFileName()).append(": ").append(Files.readString(f)).append('\n');
            }
        }
        return sb.toString();
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** One series of an instant query: its labels and its value as Prometheus prints it. */
    record Sample(Map<String, String> labels, String value) {
        double asDouble() {
            return Double.parseDouble(value);
        }

        long asLong() {
            double d = asDouble();
            if (d != Math.rint(d)) {
                throw new AssertionError("not a whole number: " + value);
            }
            return (long) d;
        }
    }

    /** An instant query through Prometheus' HTTP API (/api/v1/query). */
    List<Sample> query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = get("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode json = new ObjectMapper().readTree(r.body());
        if (!"success".equals(json.path("status").asText())) {
            throw new IllegalStateException(promql + ": " + r.body());
        }
        List<Sample> out = new ArrayList<>();
        for (JsonNode s : json.get("data").get("result")) {
            Map<String, String> labels = new java.util.TreeMap<>();
            s.get("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            out.add(new Sample(labels, s.get("value").get(1).asText()));
        }
        return out;
    }

    /** Waits until the query has exactly one series (a scrape has brought it in) and returns it. */
    Sample one(String promql) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Sample> found = List.of();
        while (System.nanoTime() < deadline) {
            found = query(promql);
            if (found.size() == 1) {
                return found.get(0);
            }
            if (found.size() > 1) {
                throw new AssertionError(promql + " matches " + found.size() + " series: " + found);
            }
            Thread.sleep(200);
        }
        throw new AssertionError(promql + " found nothing within " + WAIT.toSeconds() + " s");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
