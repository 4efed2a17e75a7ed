package dev.caffemem.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.cli.CliRun;
import dev.caffemem.probe.Calibration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics file: atomic replacement, readable by a collector, and accepted by promtool for every command that
 * writes one (estimate on the CPU and a GPU here; probe in PushToPrometheusTest; calibrate's series below).
 */
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
    void promtoolAcceptsAGpuEstimatesFileAndACpuFileHasNoGpuComponents(@TempDir Path tmp) throws Exception {
        Path gpu = tmp.resolve("gpu.prom");
        CliRun g = CliRun.of("estimate", "--solver", "examples/seed/solver.prototxt", "--profile", "v100-16gb",
                "--gpus", "2", "--metrics-per-layer", "--metrics-file", gpu.toString());
        assertThat(g.exitCode()).as(g.err()).isZero();
        assertThat(Promtool.check(gpu)).isEmpty();
        assertThat(Files.readString(gpu)).contains("component=\"cudaContext\",device=\"gpu\"",
                "component=\"deviceTotal\",device=\"gpu\"", "caffemem_build_info{");

        Path cpu = tmp.resolve("cpu.prom");
        CliRun c = CliRun.of("estimate", "--solver", "examples/seed/solver.prototxt", "--metrics-file", cpu.toString());
        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(Promtool.check(cpu)).isEmpty();
        assertThat(Files.readString(cpu)).contains("component=\"paramData\",device=\"cpu\"")
                .doesNotContain("cudaContext", "cudnnWorkspace", "deviceTotal", "hostTotal");
    }

    /**
     * calibrate writes its file only on a GPU (none here), through the same export as estimate and probe. This
     * checks the shape of its series, from a calibration record as the child returns one; the figures are not
     * measurements and nothing asserts them.
     */
    @Test
    void promtoolAcceptsTheCalibrateSeries(@TempDir Path tmp) throws Exception {
        Calibration c = new Calibration(0, "Tesla V100-SXM2-16GB", "550.54.15", "11.8", "8.6.0", 16_945_512_448L,
                16_630_939_648L, 400L << 20, 8_519_680L, 2L << 20, 1L << 20, 512,
                Map.of("resnet-3x3 32x64x56x56 k3 p1", 12_000_000L), List.of());
        CaffememMeters meters = new CaffememMeters();
        meters.recordCalibration(c, "v100-16gb");
        Path file = tmp.resolve("calibrate.prom");
        RunExport.Outcome o = new RunExport(file, null).finish(meters, "calibrate", true);
        assertThat(o.fileError()).isNull();
        assertThat(Promtool.check(file)).isEmpty();
        assertThat(Files.readString(file)).contains(
                "caffemem_gpu_overhead_bytes{command=\"calibrate\",gpu=\"Tesla V100-SXM2-16GB\",kind=\"context\",profile=\"v100-16gb\"} 4.194304E8",
                "caffemem_last_success_timestamp_seconds{command=\"calibrate\"}", "caffemem_build_info{");
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
