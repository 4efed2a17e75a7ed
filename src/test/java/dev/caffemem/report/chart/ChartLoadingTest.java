package dev.caffemem.report.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cold start of {@code estimate} does not pay for charts: a fresh JVM running it loads no class of the
 * chart library (nor AWT's), unless --plot asks for a chart. Checked by the JVM's own class-loading log.
 */
class ChartLoadingTest {

    private static List<String> loadedClasses(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"), "dev.caffemem.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> l.contains("[class,load]")).map(l -> l.replaceAll(".*\\[class,load\\] (\\S+).*", "$1"))
                .toList();
    }

    @Test
    void estimateWithoutPlotLoadsNoChartClass(@TempDir Path dir) throws Exception {
        List<String> plain = loadedClasses("estimate", "--solver", "examples/seed/solver.prototxt");
        assertThat(plain).as("the log was read").anyMatch(c -> c.equals("dev.caffemem.model.Estimator"));
        assertThat(plain).noneMatch(c -> c.startsWith("org.jfree.")).noneMatch(c -> c.startsWith("java.awt."))
                .noneMatch(c -> c.startsWith("dev.caffemem.report.chart.") || c.startsWith("dev.caffemem.report.html."));
        List<String> plotted = loadedClasses("estimate", "--solver", "examples/seed/solver.prototxt", "--plot",
                dir.resolve("x.svg").toString());
        assertThat(plotted).as("the check can see them").anyMatch(c -> c.startsWith("org.jfree.chart."));
    }
}
