package dev.caffemem.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@code caffemem serve}'s agent: an HTTP server (the JDK's own) that exposes caffemem's metrics and
 * the JVM's for scraping, and runs the configured net on request and on a schedule.
 *
 * <pre>
 * GET  /metrics   the Prometheus text format (0.0.4)
 * GET  /healthz   "ok"
 * POST /estimate  estimate the configured net now; answers the JSON report
 * POST /probe     probe the configured net now; answers the JSON report
 * </pre>
 *
 * Query parameters of a POST (e.g. {@code batch}, {@code points}, {@code verify}) go to the {@link Job},
 * which refuses those it does not know (400). One run at a time: a POST while another runs gets 409,
 * and a scheduled run that finds one running is skipped. {@link #close} stops accepting requests,
 * cancels the schedule, interrupts a run in progress (a probe child is killed) and waits for it.
 */
public final class Agent implements AutoCloseable {
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);
    /** Handler threads; each reads a request, so each stalled client holds one until its read times out. */
    private static final int HANDLERS = 16;
    /** Longest a client may take to send its request, body included (the JDK server's maxReqTime, seconds). */
    static final String REQUEST_SECONDS = "10";
    /** A POST's body is read and dropped (no endpoint takes one); more than this is refused. */
    private static final int MAX_BODY_BYTES = 64 * 1024;

    static {
        // The JDK's server reads requests on the handler threads with no timeout of its own: four clients that
        // sent one byte used to hold all four threads for as long as they liked. maxReqTime makes its timer close
        // a connection whose request is not in within that time. It is read once, when the server's classes
        // load, so it is set before the first HttpServer of this JVM; a value given with -D is kept.
        // maxRspTime stays unset: its clock starts when the request is in and would cut a long probe.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", REQUEST_SECONDS);
        }
    }

    /** Runs the configured net once and records its metrics. */
    public interface Job {
        /**
         * @param what   "estimate" or "probe"
         * @param params the request's query parameters (empty for a scheduled run)
         * @return the JSON report
         * @throws BadRequest for parameters the job does not accept (answered with 400); anything else is a
         *                    failed run (500)
         */
        String run(String what, Map<String, String> params, CaffememMeters meters);
    }

    /**
     * A request the agent or its job refuses, answered with 400. Its own type, so that an
     * IllegalArgumentException from a bug is a failed run (500) rather than the client's fault.
     */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message);
        }
    }

    /**
     * @param schedule how often to run {@code scheduled} (the first run at start), or null for requests only
     */
    public record Config(InetSocketAddress address, Duration schedule, String scheduled) {
    }

    private final Config config;
    private final Job job;
    private final CaffememMeters meters;
    private final Consumer<String> log;
    private final ReentrantLock running = new ReentrantLock();
    private volatile Thread runner;
    private volatile boolean stopping;
    private HttpServer server;
    private ExecutorService handlers;
    private ScheduledExecutorService scheduler;
    private JvmMeters jvm;

    public Agent(Config config, Job job, CaffememMeters meters, Consumer<String> log) {
        this.config = config;
        this.job = job;
        this.meters = meters;
        this.log = log;
    }

    /** Binds the port and starts serving; returns the address bound (port 0 picks a free one). */
    public InetSocketAddress start() throws IOException {
        jvm = JvmMeters.bindTo(meters.registry());
        // every outcome's series exists from the start, at 0, so that increase() and alerts on failures see
        // the first one rather than a series that appears already at 1
        for (String what : List.of("estimate", "probe")) {
            for (String outcome : List.of("success", "failure")) {
                runs(what, outcome);
            }
        }
        server = HttpServer.create(config.address(), 16);
        handlers = Executors.newFixedThreadPool(HANDLERS, daemon("caffemem-http"));
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
        if (config.schedule() != null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(daemon("caffemem-schedule"));
            scheduler.scheduleWithFixedDelay(this::scheduledRun, 0, config.schedule().toMillis(), TimeUnit.MILLISECONDS);
        }
        return server.getAddress();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            switch (path) {
                case "/metrics" -> {
                    if (allowed(ex, "GET")) {
                        reply(ex, 200, TEXT_FORMAT, meters.scrape());
                    }
                }
                case "/healthz" -> {
                    if (allowed(ex, "GET")) {
                        reply(ex, 200, "text/plain; charset=utf-8", "ok\n");
                    }
                }
                case "/estimate", "/probe" -> {
                    if (allowed(ex, "POST")) {
                        requested(ex, path.substring(1));
                    }
                }
                default -> reply(ex, 404, "text/plain; charset=utf-8",
                        "caffemem: no such endpoint: " + path + " (GET /metrics, GET /healthz, POST /estimate, POST /probe)\n");
            }
        } catch (RuntimeException e) {
            log.accept("request failed: " + e);
        }
    }

    private static boolean allowed(HttpExchange ex, String method) throws IOException {
        String m = ex.getRequestMethod();
        if (m.equals(method) || method.equals("GET") && m.equals("HEAD")) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", method.equals("GET") ? "GET, HEAD" : method);
        reply(ex, 405, "text/plain; charset=utf-8", "caffemem: use " + method + "\n");
        return false;
    }

    private void requested(HttpExchange ex, String what) throws IOException {
        // read the whole request before the run: until then the server's read timeout applies to it, and a
        // probe takes longer than that
        try (var body = ex.getRequestBody()) {
            if (body.readNBytes(MAX_BODY_BYTES + 1).length > MAX_BODY_BYTES) {
                reply(ex, 413, "text/plain; charset=utf-8", "caffemem: no endpoint takes a body\n");
                return;
            }
        }
        Map<String, String> params;
        try {
            params = query(ex.getRequestURI().getRawQuery());
        } catch (BadRequest e) {
            reply(ex, 400, "text/plain; charset=utf-8", "caffemem: " + e.getMessage() + "\n");
            return;
        }
        if (!running.tryLock()) {
            reply(ex, 409, "text/plain; charset=utf-8", "caffemem: a run is in progress; try again when it ends\n");
            return;
        }
        try {
            String json = runLocked(what, params, "request");
            reply(ex, 200, "application/json", json);
        } catch (BadRequest e) {
            reply(ex, 400, "text/plain; charset=utf-8", "caffemem: " + oneLine(e.getMessage()) + "\n");
        } catch (RuntimeException e) {
            reply(ex, 500, "text/plain; charset=utf-8", "caffemem: " + oneLine(String.valueOf(e.getMessage())) + "\n");
        } finally {
            running.unlock();
        }
    }

    private void scheduledRun() {
        if (!running.tryLock()) {
            log.accept("scheduled " + config.scheduled() + " skipped: a run is in progress");
            return;
        }
        try {
            runLocked(config.scheduled(), Map.of(), "schedule");
        } catch (RuntimeException e) {
            // counted and logged in runLocked; the schedule goes on
        } finally {
            running.unlock();
        }
    }

    /** Runs the job with the lock held, counting and logging the outcome. */
    private String runLocked(String what, Map<String, String> params, String trigger) {
        runner = Thread.currentThread();
        if (stopping) {
            runner = null;
            throw new IllegalStateException("the agent is stopping");
        }
        long start = System.nanoTime();
        log.accept(what + " (" + trigger + (params.isEmpty() ? "" : " " + params) + ") started");
        try {
            String json = job.run(what, params, meters);
            meters.succeeded(what);
            count(what, "success");
            log.accept(String.format(java.util.Locale.ROOT, "%s done in %.1f s", what, (System.nanoTime() - start) / 1e9));
            return json;
        } catch (BadRequest e) {
            log.accept(what + " refused: " + oneLine(e.getMessage()));
            throw e;
        } catch (RuntimeException e) {
            meters.failed(what);
            count(what, "failure");
            log.accept(what + " failed: " + oneLine(String.valueOf(e.getMessage())));
            throw e;
        } finally {
            runner = null;
            Thread.interrupted(); // an interrupt aimed at this run must not hit the thread's next task
        }
    }

    private void count(String what, String outcome) {
        runs(what, outcome).increment();
    }

    private Counter runs(String what, String outcome) {
        return Counter.builder("caffemem.runs").description("Runs of the agent, by command and outcome")
                .tags("command", what, "outcome", outcome).register(meters.registry());
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (out.put(key, value) != null) {
                throw new BadRequest("query parameter " + key + " given twice");
            }
        }
        return out;
    }

    private static String oneLine(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length == 0 ? -1 : bytes.length);
        if (!head && bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /**
     * Stops: no new runs, the schedule cancelled, a run in progress interrupted (a probe child is
     * killed); requests in flight get up to two seconds to be answered, then the port is closed and
     * this waits for the run to end.
     */
    @Override
    public void close() {
        stopping = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        Thread t = runner;
        if (t != null) {
            log.accept("interrupting the run in progress");
            t.interrupt();
        }
        if (server != null) {
            server.stop(2);
        }
        try {
            if (running.tryLock(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                running.unlock();
            } else {
                log.accept("the run in progress did not end within " + STOP_WAIT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (handlers != null) {
            handlers.shutdownNow();
        }
        if (jvm != null) {
            jvm.close();
        }
    }
}
