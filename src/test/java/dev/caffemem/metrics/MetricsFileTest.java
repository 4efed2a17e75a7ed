package dev.caffemem.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics file: atomic replacement, readable by a collector, and accepted by promtool. */
class MetricsFileTest {

    @Test
    void aReaderNeverSeesHalfAFile(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("caffemem.prom");
        String a = "a".repeat(1 << 20) + "\n";
        String b = "b".repeat(1 << 20) + "\n";
        MetricsFile.write(file, a);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try {
                    String s = Files.readString(file);
                    reads.incrementAndGet();
                    if (!s.equals(a) && !s.equals(b)) {
                        torn.set("a read of " + s.length() + " chars");
                    }
                } catch (java.io.IOException e) {
                    torn.set(e.toString());
                }
            }
        });
        reader.start();
        for (int i = 0; i < 50; i++) {
            MetricsFile.write(file, i % 2 == 0 ? b : a);
        }
        done.set(true);
        reader.join();
        assertThat(torn.get()).isNull();
        assertThat(reads.get()).isPositive();
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("caffemem.prom");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
    }

    @Test
    void promtoolAcceptsTheEstimateFileWithPerLayerSeries(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("seed.prom");
        CliRun r = CliRun.of("estimate", "--solver", "examples/seed/solver.prototxt", "--memory", "16GiB",
                "--metrics-per-layer", "--metrics-file", file.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Promtool.check(file)).isEmpty();
        assertThat(Files.readString(file)).contains(
                "caffemem_memory_available_bytes{command=\"estimate\",device=\"cpu\",net=\"UltraNerveSegmentation\",phase=\"train\"} 1.7179869184E10",
                "caffemem_layer_memory_bytes{batch=\"32\",command=\"estimate\",component=\"paramData\",device=\"cpu\",layer=\"Layer3\"");
    }

    @Test
    void aRunThatFailsLeavesTheFileAsItWas(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("kept.prom");
        Files.writeString(file, "# the last good run's metrics\n");
        CliRun r = CliRun.of("estimate", "src/test/resources/dev/caffemem/cli/bad/conv-kernel-too-large.prototxt",
                "--metrics-file", file.toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(Files.readString(file)).isEqualTo("# the last good run's metrics\n");
    }
}
