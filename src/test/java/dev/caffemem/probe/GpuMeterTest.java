package dev.caffemem.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The GPU meter on a machine without an NVIDIA driver: one exception with a sentence for the user, not an
 * UnsatisfiedLinkError. The test class path has the CUDA classes (provided scope) but not their natives,
 * as a CPU jar run with --device gpu would if the parent's check were skipped.
 */
class GpuMeterTest {

    @Test
    void noDriverIsOneClearSentence() {
        // not a missing tool: on a machine with an NVIDIA driver the behaviour checked here cannot occur
        dev.caffemem.testing.Prerequisites.onlyWhere(!Files.exists(Path.of("/dev/nvidiactl")),
                "a machine without an NVIDIA driver (this one has /dev/nvidiactl)");
        assertThatThrownBy(() -> GpuMeter.open(0))
                .isInstanceOf(GpuUnavailableException.class)
                .hasMessageStartingWith("NVML (libnvidia-ml.so.1, installed with the NVIDIA driver) could not be loaded")
                .hasMessageContaining("mvn -Pgpu package");
    }

    @Test
    void theWorkersNoGpuLineBecomesTheParentsError() {
        ChildLog log = new ChildLog(line -> { }, null);
        log.line("I1129 00:00:00.000000 1 common.cpp:1] something Caffe said");
        log.line(ProbeWorker.NO_GPU_PREFIX + "no GPU 3 on this machine (NVML sees 1; gpu:N counts from 0 as nvidia-smi does)");
        assertThat(log.noGpu()).contains("no GPU 3 on this machine (NVML sees 1; gpu:N counts from 0 as nvidia-smi does)");
        assertThat(new ChildLog(line -> { }, null).noGpu()).isEmpty();
    }
}
