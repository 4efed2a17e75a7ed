package dev.caffemem.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client of the Pushgateway's HTTP API, as client_java's PushGateway uses it ({@code push} is a PUT,
 * {@code pushAdd} a POST; that module is not served by the registry this project builds from): the text
 * format to {@code /metrics/job/JOB}, PUT to replace every metric of the job's group, POST to replace
 * only the metrics pushed. Each push is bounded by one timeout, connection included.
 */
public final class PushGateway {
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final URI base;
    private final String job;
    private final Duration timeout;

    /**
     * @throws IllegalArgumentException for a URL that is not http(s)://host[:port][/path] or an empty job
     */
    public PushGateway(String url, String job, Duration timeout) {
        URI u;
        try {
            u = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + url);
        }
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                || u.getQuery() != null || u.getFragment() != null) {
            throw new IllegalArgumentException("expected http://HOST:PORT (the Pushgateway's address), got " + url);
        }
        if (u.getPort() == 0 || u.getPort() > 65535) {
            // URI accepts any digits; the push would fail only after the run, with exit 14
            throw new IllegalArgumentException("port " + u.getPort() + " is not a TCP port (1 to 65535): " + url);
        }
        if (job == null || job.isEmpty()) {
            throw new IllegalArgumentException("the job name is empty");
        }
        this.base = u;
        this.job = job;
        this.timeout = timeout;
    }

    /** Where the job's group lives; a job with a slash goes base64-encoded, as the Pushgateway asks. */
    public URI groupUri() {
        String path = job.contains("/")
                ? "/metrics/job@base64/" + Base64.getUrlEncoder().encodeToString(job.getBytes(StandardCharsets.UTF_8))
                : "/metrics/job/" + URLEncoder.encode(job, StandardCharsets.UTF_8).replace("+", "%20");
        return URI.create(base + path);
    }

    /**
     * Pushes {@code text} (the Prometheus text format).
     *
     * @param replaceGroup PUT (the group then holds exactly these metrics) rather than POST
     * @throws IOException with a one-line reason when the push failed or took longer than the timeout
     */
    public void push(String text, boolean replaceGroup) throws IOException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        HttpRequest request = HttpRequest.newBuilder(groupUri()).timeout(timeout).header("Content-Type", TEXT_FORMAT)
                .method(replaceGroup ? "PUT" : "POST", HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8))
                .build();
        CompletableFuture<HttpResponse<String>> sent = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            throw new IOException("no answer within " + seconds(timeout));
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            throw new IOException(reason(e.getCause()));
        }
        if (response.statusCode() / 100 != 2) {
            String body = response.body().strip().lines().findFirst().orElse("");
            throw new IOException("HTTP " + response.statusCode() + (body.isEmpty() ? "" : ": " + printable(body)));
        }
    }

    /**
     * What a server sent, fit for a terminal: control characters (a NUL, an escape sequence that would clear
     * the screen) written as escapes (a NUL as backslash-u0000), and at most 200 characters of it.
     */
    static String printable(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < 200; i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? String.format(java.util.Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.length() < 200 ? sb.toString() : sb + "...";
    }

    private static String reason(Throwable t) {
        if (t instanceof java.net.ConnectException) {
            return "connection refused (is the Pushgateway running?)";
        }
        if (t instanceof java.net.http.HttpTimeoutException) {
            return "timed out: " + t.getMessage();
        }
        String m = t.getMessage();
        // a garbage status line is quoted in the client's message as it came
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + printable(m);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
