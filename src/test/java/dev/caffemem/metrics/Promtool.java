package dev.caffemem.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code promtool check metrics}, the Prometheus project's own linter of the text format. */
final class Promtool {

    private Promtool() {
    }

    /** @return promtool's complaints, empty when it accepts the file (exit 0) */
    static String check(Path file) throws IOException, InterruptedException {
        PrometheusProcesses.requireInstalled(PrometheusProcesses.PROMTOOL);
        Process p = new ProcessBuilder(PrometheusProcesses.PROMTOOL.toString(), "check", "metrics")
                .redirectInput(file.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "promtool did not finish";
        }
        return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + out;
    }
}
