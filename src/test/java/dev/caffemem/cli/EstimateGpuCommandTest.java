package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** caffemem estimate --device gpu: the device and host bills, the verdict, and every way the options can be wrong. */
class EstimateGpuCommandTest {
    private static final String SOLVER = "examples/seed/solver.prototxt";

    @Test
    void seedOnAV100PrintsDeviceAndHostBillsAndSaysItFits() {
        CliRun r = CliRun.of("estimate", "--solver", SOLVER, "--batch", "32", "--device", "gpu", "--profile", "v100-16gb");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("training, GPU, batch 32");
        assertThat(r.out()).containsPattern("Device memory: [0-9.]+ GiB = ");
        assertThat(r.out()).containsPattern("Host memory: +[0-9.]+ MiB = ");
        assertThat(r.out()).contains("Fits on v100-16gb (16.0 GiB, overheads not calibrated)");
        assertThat(r.out()).contains("not calibrated; assumed: CUDA context");
        assertThat(r.err()).startsWith("fits: ").contains("on v100-16gb");
    }

    @Test
    void profileAloneMeansGpuAndJsonCarriesBothSides() throws Exception {
        CliRun r = CliRun.of("estimate", "--solver", SOLVER, "--profile", "t4-16gb", "--format", "json");
        assertThat(r.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("device").asText()).isEqualTo("gpu");
        JsonNode gpu = json.get("gpu");
        assertThat(gpu.get("profile").asText()).isEqualTo("t4-16gb");
        assertThat(gpu.get("capacityBytes").asLong()).isEqualTo(16L << 30);
        assertThat(gpu.get("deviceBytes").asLong() + gpu.get("hostBytes").asLong())
                .isEqualTo(json.get("totalBytes").asLong());
        long deviceSum = 0;
        var it = gpu.get("device").fields();
        while (it.hasNext()) {
            deviceSum += it.next().getValue().asLong();
        }
        assertThat(deviceSum).isEqualTo(gpu.get("deviceBytes").asLong());
        // the seed's 2.1 GiB InnerProduct weight (64 x 2985984 floats, 729 MiB) is on both sides
        assertThat(gpu.get("device").get("paramData").asLong()).isEqualTo(gpu.get("host").get("paramData").asLong());
        assertThat(gpu.get("device").get("cudnnWorkspace").asLong()).isEqualTo(3L * 8 * 1024 * 1024);
        assertThat(gpu.get("fits").asBoolean()).isTrue();
        assertThat(gpu.get("assumed").size()).isPositive();
    }

    @Test
    void tooLittleDeviceMemoryExitsWithOne() {
        CliRun r = CliRun.of("estimate", "--solver", SOLVER, "--device", "gpu", "--profile", "v100-16gb",
                "--memory", "2GiB");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.DOES_NOT_FIT);
        assertThat(r.out()).contains("Does NOT fit on v100-16gb (2.00 GiB");
        assertThat(r.err()).startsWith("does NOT fit: ");
    }

    @Test
    void memoryAloneIsACapacityWithEveryOverheadAssumed() {
        CliRun r = CliRun.of("estimate", "--solver", SOLVER, "--device", "gpu", "--memory", "24GiB");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Fits on gpu with 24.0 GiB");
    }

    @Test
    void multiGpuShowsTheRootAndTheWorkers() throws Exception {
        CliRun r = CliRun.of("estimate", "--solver", SOLVER, "--profile", "a100-80gb", "--gpus", "4");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).containsPattern("Data-parallel on 4 GPUs: root GPU [0-9.]+ GiB \\(of which [0-9.]+ MiB test nets");
        JsonNode m = new ObjectMapper().readTree(CliRun.of("estimate", "--solver", SOLVER, "--profile", "a100-80gb",
                "--gpus", "4", "--format", "json").out()).get("gpu").get("multiGpu");
        assertThat(m.get("gpus").asInt()).isEqualTo(4);
        assertThat(m.get("workerDeviceBytes").asLong() + m.get("rootExtraDeviceBytes").asLong())
                .isEqualTo(m.get("rootDeviceBytes").asLong());
        // the seed's learnable parameters: conv 64x3x9x9 + 64, fc 64x2985984 + 64
        long p = 64L * 3 * 81 + 64 + 64L * 64 * 216 * 216 + 64;
        assertThat(m.get("ncclBufferBytes").asLong()).isEqualTo(2 * 4 * p);
    }

    @Test
    void aCalibratedProfileFileIsUsedAsMeasured(@TempDir Path dir) throws Exception {
        String yaml = Files.readString(Path.of("profiles/v100-16gb.yaml"))
                .replaceAll("(?m)^  calibrated: false.*$", "  calibrated: true")
                .replaceFirst("date: null", "date: \"2026-11-29\"")
                .replaceFirst("driver: null", "driver: \"550.54.15\"")
                .replaceFirst("cuda: null", "cuda: \"11.8\"")
                .replaceFirst("cudnn: null", "cudnn: \"8.6.0\"")
                .replaceFirst("measuredBy: null", "measuredBy: \"a test\"")
                .replaceFirst("cudaContextBytes: null", "cudaContextBytes: 314572800")
                .replaceFirst("cublasHandleBytes: null", "cublasHandleBytes: 8519680")
                .replaceFirst("curandGeneratorBytes: null", "curandGeneratorBytes: 1048576")
                .replaceFirst("cudnnHandleBytes: null", "cudnnHandleBytes: 1048576")
                .replaceFirst("allocationGranularityBytes: null", "allocationGranularityBytes: 512")
                .replaceFirst("Convolution: null", "Convolution: 1000000");
        Path file = dir.resolve("v100-16gb.yaml");
        Files.writeString(file, yaml);
        CliRun r = CliRun.of("estimate", "--solver", SOLVER, "--profile", file.toString(), "--format", "json");
        assertThat(r.err()).startsWith("fits: ");
        JsonNode gpu = new ObjectMapper().readTree(r.out()).get("gpu");
        assertThat(gpu.get("calibrated").asBoolean()).isTrue();
        assertThat(gpu.get("device").get("cudnnWorkspace").asLong()).isEqualTo(1_000_000L);
        // context + 3 threads x (cuBLAS + cuRAND) + 8 cuDNN handles (conv 3 + softmax 1, train and test nets)
        assertThat(gpu.get("device").get("cudaContext").asLong())
                .isEqualTo(314_572_800L + 3 * (8_519_680L + 1_048_576L) + 8 * 1_048_576L);
        assertThat(gpu.get("threads").asInt()).isEqualTo(3);
        assertThat(gpu.get("cudnnHandles").asInt()).isEqualTo(8);
    }

    @Test
    void badGpuOptionsAreUsageErrorsBeforeAnyWork() {
        CliRun unknown = CliRun.of("estimate", "--solver", SOLVER, "--profile", "v100");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("--profile: ").contains("v100-16gb");
        assertThat(unknown.out()).isEmpty();

        CliRun noCapacity = CliRun.of("estimate", "--solver", SOLVER, "--device", "gpu");
        assertThat(noCapacity.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noCapacity.err()).contains("--device gpu needs --profile NAME").contains("h100-80gb");

        CliRun gpusOnCpu = CliRun.of("estimate", "--solver", SOLVER, "--gpus", "2");
        assertThat(gpusOnCpu.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(gpusOnCpu.err()).contains("--gpus 2 needs --device gpu");

        CliRun zeroGpus = CliRun.of("estimate", "--solver", SOLVER, "--profile", "v100-16gb", "--gpus", "0");
        assertThat(zeroGpus.exitCode()).isEqualTo(ExitCodes.USAGE);

        CliRun badDevice = CliRun.of("estimate", "--solver", SOLVER, "--device", "tpu");
        assertThat(badDevice.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badDevice.err()).contains("expected cpu, gpu or gpu:N");

        CliRun contradiction = CliRun.of("estimate", "--solver", SOLVER, "--device", "cpu", "--profile", "v100-16gb");
        assertThat(contradiction.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(contradiction.err()).contains("is a GPU profile, but --device cpu");
    }

    @Test
    void aBrokenProfileFileIsBadInputNamingTheField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, Files.readString(Path.of("profiles/t4-16gb.yaml"))
                .replaceFirst("capacityBytes: [0-9]+", "capacityBytes: -5"));
        CliRun r = CliRun.of("estimate", "--solver", SOLVER, "--profile", file.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("memory.capacityBytes");
    }
}
