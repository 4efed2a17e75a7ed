package dev.caffemem.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The agent's HTTP surface and scheduling, with a stand-in job (no Caffe). */
class AgentTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> log = new CopyOnWriteArrayList<>();

    private HttpResponse<String> send(InetSocketAddress at, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Agent agent(Agent.Job job, Duration schedule) {
        return new Agent(new Agent.Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), schedule, "estimate"),
                job, new CaffememMeters(), log::add);
    }

    @Test
    void routesMethodsAndParameters() throws Exception {
        try (Agent a = agent((what, params, meters) -> {
            if (params.containsKey("bad")) {
                throw new Agent.BadRequest("unknown parameter bad");
            }
            if (params.containsKey("bug")) {
                throw new IllegalArgumentException("a programming error, not the client's");
            }
            if (params.containsKey("boom")) {
                throw new IllegalStateException("Caffe aborted");
            }
            return "{\"what\":\"" + what + "\",\"params\":\"" + params + "\"}";
        }, null)) {
            InetSocketAddress at = a.start();
            assertThat(at.getAddress().isLoopbackAddress()).isTrue();
            HttpResponse<String> metrics = send(at, "GET", "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(metrics.body()).contains("# TYPE jvm_memory_used_bytes gauge", "process_uptime_seconds");
            assertThat(send(at, "GET", "/healthz").body()).isEqualTo("ok\n");
            assertThat(send(at, "POST", "/probe?points=1,2&verify=true").body())
                    .isEqualTo("{\"what\":\"probe\",\"params\":\"{points=1,2, verify=true}\"}");
            assertThat(send(at, "POST", "/estimate?bad=1").statusCode()).isEqualTo(400);
            assertThat(send(at, "POST", "/estimate?bug=1").statusCode()).isEqualTo(500);
            HttpResponse<String> failed = send(at, "POST", "/estimate?boom=1");
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body()).isEqualTo("caffemem: Caffe aborted\n");
            assertThat(send(at, "GET", "/probe").statusCode()).isEqualTo(405);
            assertThat(send(at, "POST", "/metrics").statusCode()).isEqualTo(405);
            assertThat(send(at, "GET", "/nothing").statusCode()).isEqualTo(404);
            String after = send(at, "GET", "/metrics").body();
            assertThat(after).contains("caffemem_runs_total{command=\"probe\",outcome=\"success\"} 1.0",
                    "caffemem_runs_total{command=\"estimate\",outcome=\"failure\"} 2.0",
                    "caffemem_last_failure_timestamp_seconds{command=\"estimate\"}",
                    "caffemem_last_success_timestamp_seconds{command=\"probe\"}");
            assertThat(after).doesNotContain("outcome=\"refused\"");
        }
    }

    @Test
    void oneRunAtATimeAndCloseInterruptsTheRunInProgress() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        Agent a = agent((what, params, meters) -> {
            inside.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw new IllegalStateException("interrupted");
            }
            return "{}";
        }, null);
        InetSocketAddress at = a.start();
        var first = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + "/probe"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        HttpResponse<String> second = send(at, "POST", "/estimate");
        assertThat(second.statusCode()).isEqualTo(409);
        a.close();
        assertThat(interrupted.get()).isEqualTo(1);
        // close waited for the interrupted run to end, not for its 20 s limit
        assertThat(log).noneMatch(l -> l.contains("did not end within"));
        assertThat(first.handle((r, e) -> r == null ? -1 : r.statusCode()).get(10, TimeUnit.SECONDS)).isIn(500, -1);
        assertThat(log).anyMatch(l -> l.contains("interrupting the run in progress"));
    }

    @Test
    void scheduleRunsAtStartAndThenEveryPeriod() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        try (Agent a = agent((what, params, meters) -> {
            assertThat(what).isEqualTo("estimate");
            assertThat(params).isEmpty();
            runs.incrementAndGet();
            three.countDown();
            return "{}";
        }, Duration.ofMillis(100))) {
            a.start();
            assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
        }
        int after = runs.get();
        Thread.sleep(300);
        assertThat(runs.get()).as("no run after close").isEqualTo(after);
    }

    /**
     * Issue 8, D4: the handler threads read requests, and four sockets that sent one byte each held all four
     * threads for as long as they stayed open; a POST with a Content-Length and no body held one too. More
     * stalled connections than threads now still leave /healthz answered (the server drops a request that is
     * not read within its time), and every stalled socket is closed by the server.
     */
    @Test
    void stalledConnectionsDoNotSilenceTheAgent() throws Exception {
        try (Agent a = agent((what, params, meters) -> "{}", null)) {
            InetSocketAddress at = a.start();
            List<java.net.Socket> stalled = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), at.getPort());
                    s.getOutputStream().write(i % 2 == 0 ? "G".getBytes(java.nio.charset.StandardCharsets.US_ASCII)
                            : ("POST /estimate HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    stalled.add(s);
                }
                // the client's timeout is a bound for a hang, not a measure: without the fix this waits forever
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + at.getPort() + "/healthz")).timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.body()).isEqualTo("ok\n");
                for (java.net.Socket s : stalled) {
                    s.setSoTimeout(90_000);
                    int read;
                    try {
                        read = s.getInputStream().read();
                    } catch (java.net.SocketException reset) {
                        read = -1;
                    }
                    assertThat(read).as("the server closes a stalled connection").isEqualTo(-1);
                }
            } finally {
                for (java.net.Socket s : stalled) {
                    s.close();
                }
            }
        }
    }

    /** A POST's body is read before the run, so that a long run is not cut by the request's read timeout. */
    @Test
    void aPostWithABodyIsServed() throws Exception {
        try (Agent a = agent((what, params, meters) -> "{\"ran\":true}", null)) {
            InetSocketAddress at = a.start();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort()
                    + "/estimate")).POST(HttpRequest.BodyPublishers.ofString("ignored=1")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"ran\":true}");
        }
    }

    @Test
    void queryStringsAreDecodedAndRepeatsRefused() {
        assertThat(Agent.query("points=1%2C2&verify")).isEqualTo(Map.of("points", "1,2", "verify", ""));
        assertThat(Agent.query(null)).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Agent.query("a=1&a=2"))
                .isInstanceOf(Agent.BadRequest.class);
    }
}
