package dev.caffemem.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real browser for tests: Debian's Chromium, headless, driven over the DevTools protocol (a WebSocket), so
 * that a test sees what a user's browser does with a page: the console's errors and uncaught exceptions, every
 * request the page makes, the rendered text, a screenshot and the printed PDF. One process per instance, with
 * its own temporary profile, stopped by {@link #close}. Without Chromium, tests skip, or fail under CI=true
 * ({@link Prerequisites}); .ci/run installs it.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    /** Generous: a cold Chromium on a busy 2-core machine; a hang fails the test rather than blocking the build. */
    private static final long WAIT_SECONDS = 90;
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");

    private final ObjectMapper json = new ObjectMapper();
    private final Process process;
    private final Path profile;
    private final List<String> stderr = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger ids = new AtomicInteger();
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();
    private WebSocket socket;

    public static void require() {
        Prerequisites.requireExecutable(BINARY, "apt-get install -y chromium; .ci/run does");
    }

    /** A browser whose window (and so its screenshots) is {@code width x height} CSS pixels at scale 1. */
    public static HeadlessChromium start(int width, int height) throws Exception {
        require();
        Path profile = Files.createTempDirectory("chromium-test-");
        Process p = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=" + width + "," + height,
                "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        HeadlessChromium c = new HeadlessChromium(p, profile);
        try {
            c.connect(c.awaitDevToolsUrl());
            // the window's size includes the browser's own frame in the new headless mode: set the page's
            // viewport itself, so that screenshots are exactly this size
            c.call("Emulation.setDeviceMetricsOverride", c.json.createObjectNode().put("width", width)
                    .put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    private HeadlessChromium(Process process, Path profile) {
        this.process = process;
        this.profile = profile;
    }

    /** Reads Chromium's stderr for the DevTools address, and keeps draining it (into {@link #stderr}) after. */
    private String awaitDevToolsUrl() throws Exception {
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    stderr.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IllegalStateException("chromium exited before it listened: " + stderr));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        return url.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Attaches to the one page Chromium opened (about:blank), before the page under test is loaded. */
    private void connect(String browserUrl) throws Exception {
        URI browser = URI.create(browserUrl);
        HttpClient http = HttpClient.newHttpClient();
        JsonNode targets = json.readTree(http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getHost()
                + ":" + browser.getPort() + "/json/list")).build(), HttpResponse.BodyHandlers.ofString()).body());
        String page = null;
        for (JsonNode t : targets) {
            if ("page".equals(t.path("type").asText())) {
                page = t.path("webSocketDebuggerUrl").asText();
            }
        }
        if (page == null) {
            throw new IllegalStateException("chromium has no page target: " + targets);
        }
        socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new Listener())
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
            call(domain + ".enable", json.createObjectNode());
        }
    }

    /** Collects one message from its frames, then hands it on: a reply to its caller, an event to the list. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                receive(message.toString());
                message.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    private void receive(String text) {
        try {
            JsonNode m = json.readTree(text);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                if (f != null) {
                    f.complete(m);
                }
                return;
            }
            events.add(m);
            if ("Page.loadEventFired".equals(m.path("method").asText())) {
                loaded.complete(null);
            }
        } catch (IOException e) {
            events.add(json.createObjectNode().put("method", "unreadable").put("text", text));
        }
    }

    /** Sends one DevTools command and returns its result; a protocol error is an exception. */
    public JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode m = json.createObjectNode().put("id", id).put("method", method);
        m.set("params", params);
        socket.sendText(json.writeValueAsString(m), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        JsonNode r = reply.get(WAIT_SECONDS, TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + ": " + r.get("error"));
        }
        return r.path("result");
    }

    /** Opens a file and waits for its load event; events from before are forgotten. */
    public void open(Path file) throws Exception {
        events.clear();
        loaded = new CompletableFuture<>();
        call("Page.navigate", json.createObjectNode().put("url", file.toAbsolutePath().toUri().toString()));
        loaded.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** A JavaScript expression's value, as JSON. */
    public JsonNode evaluate(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", json.createObjectNode().put("expression", expression)
                .put("returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException(expression + ": " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** What the page shows as text (innerText: rendered text, not markup). */
    public String text() throws Exception {
        return evaluate("document.body.innerText").asText();
    }

    /** A PNG of the window, as rendered. */
    public byte[] screenshot() throws Exception {
        return Base64.getDecoder().decode(call("Page.captureScreenshot", json.createObjectNode().put("format", "png"))
                .path("data").asText());
    }

    /** The page printed to PDF with its print style sheet (A4). */
    public byte[] printToPdf() throws Exception {
        return Base64.getDecoder().decode(call("Page.printToPDF", json.createObjectNode().put("paperWidth", 8.27)
                .put("paperHeight", 11.69).put("printBackground", true)).path("data").asText());
    }

    /** Console errors and warnings, uncaught exceptions and the browser's own error log entries for the page. */
    public List<String> consoleProblems() {
        List<String> out = new ArrayList<>();
        synchronized (events) {
            for (JsonNode e : events) {
                String method = e.path("method").asText();
                JsonNode p = e.path("params");
                if (method.equals("Runtime.exceptionThrown")) {
                    out.add("exception: " + p.path("exceptionDetails"));
                } else if (method.equals("Runtime.consoleAPICalled")
                        && List.of("error", "warning", "assert").contains(p.path("type").asText())) {
                    out.add("console." + p.path("type").asText() + ": " + p.path("args"));
                } else if (method.equals("Log.entryAdded")
                        && List.of("error", "warning").contains(p.path("entry").path("level").asText())) {
                    out.add("log " + p.path("entry").path("level").asText() + ": " + p.path("entry").path("text"));
                } else if (method.equals("unreadable")) {
                    out.add("unreadable DevTools message: " + e);
                }
            }
        }
        return out;
    }

    /** Every URL the page asked for, its own included, in order. */
    public List<String> requests() {
        List<String> out = new ArrayList<>();
        synchronized (events) {
            for (JsonNode e : events) {
                if (e.path("method").asText().equals("Network.requestWillBeSent")) {
                    out.add(e.path("params").path("request").path("url").asText());
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.abort();
        }
        // Chromium's helpers (zygote, renderer, GPU process) are its descendants: stop them by their ids as well
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        helpers.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
