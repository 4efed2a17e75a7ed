package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * probe --device gpu:N on a machine without an NVIDIA driver. The test class path carries Caffe's GPU
 * natives and the CUDA JNI libraries (test scope), so the parent's checks pass and a real child starts
 * with the GPU build: it must end in one sentence and exit 15, with nothing left behind.
 */
class ProbeGpuCommandTest {

    @Test
    void noDriverEndsInOneSentenceWithExit15() throws Exception {
        // not a missing tool: on a machine with an NVIDIA driver the behaviour checked here cannot occur
        dev.caffemem.testing.Prerequisites.onlyWhere(!Files.exists(Path.of("/dev/nvidiactl")),
                "a machine without an NVIDIA driver (this one has /dev/nvidiactl)");
        long before = tempDirs();
        CliRun r = CliRun.of("probe", "--device", "gpu:0", "--points", "1,2", "--timeout", "2m");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NO_GPU);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("caffemem: no usable GPU: NVML (libnvidia-ml.so.1, installed with the "
                + "NVIDIA driver) could not be loaded");
        assertThat(r.err()).doesNotContain("UnsatisfiedLinkError\n").doesNotContain("\tat ");
        assertThat(tempDirs()).isEqualTo(before);
    }

    @Test
    void gpuOptionsAreCheckedBeforeAnyChildStarts() {
        CliRun unknown = CliRun.of("probe", "--device", "gpu:0", "--profile", "v100");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("did you mean v100-16gb or v100-32gb");
        CliRun contradiction = CliRun.of("probe", "--device", "cpu", "--profile", "t4-16gb");
        assertThat(contradiction.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    private static long tempDirs() throws Exception {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            // this JVM's (their names carry its pid), not another run's on a shared machine
            return s.filter(p -> p.getFileName().toString().startsWith("caffemem-probe-" + ProcessHandle.current().pid() + "-")
                    || p.getFileName().toString().startsWith("caffemem-seed-" + ProcessHandle.current().pid() + "-")).count();
        }
    }
}
