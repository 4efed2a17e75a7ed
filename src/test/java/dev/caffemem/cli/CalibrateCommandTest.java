package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caffemem.device.DeviceProfile;
import dev.caffemem.device.DeviceProfiles;
import dev.caffemem.probe.Calibration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * caffemem calibrate: what it does without a GPU (one sentence, exit 15), its option checks, and how a
 * calibration's figures become a device profile that estimate then uses. The figures below are what a
 * calibration record holds, written out to test the profile arithmetic; no measurement is pretended.
 */
class CalibrateCommandTest {

    private static Calibration v100(long total) {
        Map<String, Long> ws = new LinkedHashMap<>();
        ws.put("alexnet-conv1 32x3x227x227 k11 s4", 3_000_000L);
        ws.put("resnet-3x3 32x64x56x56 k3 p1", 12_000_000L);
        return new Calibration(0, "Tesla V100-SXM2-16GB", "550.54.15", "11.8", "8.6.0", total, total - (300L << 20),
                400L << 20, 8_519_680L, 2L << 20, 1L << 20, 512, ws, List.of("CUDA_MODULE_LOADING=EAGER"));
    }

    @Test
    void noDriverIsExit15WithOneSentence() {
        // not a missing tool: on a machine with an NVIDIA driver the behaviour checked here cannot occur
        dev.caffemem.testing.Prerequisites.onlyWhere(!Files.exists(Path.of("/dev/nvidiactl")),
                "a machine without an NVIDIA driver (this one has /dev/nvidiactl)");
        CliRun r = CliRun.of("calibrate", "--device", "gpu:0", "--timeout", "2m");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.NO_GPU);
        assertThat(r.err()).contains("caffemem: no usable GPU: NVML").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void optionsAreCheckedFirst() {
        assertThat(CliRun.of("calibrate", "--device", "cpu").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.of("calibrate", "--save-profile", "x.json").exitCode()).isEqualTo(ExitCodes.USAGE);
        CliRun unknown = CliRun.of("calibrate", "--profile", "v100");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("v100-16gb");
    }

    @Test
    void theBoardIsFoundByNameAndMemory() {
        DeviceProfiles profiles = DeviceProfiles.standard();
        // a V100 16 GB reports 16160 MiB to NVML
        assertThat(CalibrateCommand.matching(v100(16_945_512_448L), profiles).name()).isEqualTo("v100-16gb");
        assertThat(CalibrateCommand.matching(v100(34_089_730_048L), profiles).name()).isEqualTo("v100-32gb");
        Calibration a100 = new Calibration(0, "NVIDIA A100-SXM4-80GB", "d", "11.8", "8.6.0", 85_899_345_920L,
                85_000_000_000L, 1, 1, 1, 1, 512, Map.of(), List.of());
        assertThat(CalibrateCommand.matching(a100, profiles).name()).isEqualTo("a100-80gb");
        Calibration rtx = new Calibration(0, "NVIDIA GeForce RTX 3090", "d", "11.8", "8.6.0", 25_438_126_080L,
                25_000_000_000L, 1, 1, 1, 1, 512, Map.of(), List.of());
        assertThat(CalibrateCommand.matching(rtx, profiles).name()).isEqualTo("rtx3090-24gb");
        Calibration unknown = new Calibration(0, "NVIDIA L4", "d", "11.8", "8.6.0", 24_000_000_000L,
                23_000_000_000L, 1, 1, 1, 1, 512, Map.of(), List.of());
        assertThat(CalibrateCommand.matching(unknown, profiles)).isNull();
    }

    @Test
    void aCalibratedProfileIsValidRoundTripsAndDrivesTheEstimate(@TempDir Path dir) throws Exception {
        DeviceProfile base = DeviceProfiles.standard().get("v100-16gb");
        Calibration c = v100(16_945_512_448L);
        DeviceProfile p = CalibrateCommand.calibrated(base, c, "v100-16gb", "2026-11-29", "0.1.0");
        assertThat(p.problems()).isEmpty();
        assertThat(p.calibrated()).isTrue();
        assertThat(p.memory().capacityBytes()).isEqualTo(base.memory().capacityBytes());
        assertThat(p.memory().usableBytes()).isEqualTo(c.usableBytes());
        assertThat(p.overheads().cudnnWorkspaceBytes().get("Convolution")).isEqualTo(12_000_000L);
        assertThat(p.provenance().measuredBy()).contains("caffemem calibrate 0.1.0 on Tesla V100-SXM2-16GB (gpu:0)");
        Path file = dir.resolve("v100-16gb.yaml");
        DeviceProfiles.save(p, file);
        assertThat(DeviceProfiles.load(file)).isEqualTo(p);

        JsonNode gpu = new ObjectMapper().readTree(CliRun.of("estimate", "--solver", "examples/seed/solver.prototxt",
                "--profile", file.toString(), "--format", "json").out()).get("gpu");
        assertThat(gpu.get("calibrated").asBoolean()).isTrue();
        assertThat(gpu.get("capacityBytes").asLong()).isEqualTo(c.usableBytes());
        assertThat(gpu.get("device").get("cudnnWorkspace").asLong()).isEqualTo(12_000_000L);
        // context + 3 threads x (cuBLAS + cuRAND) + 8 cuDNN handles
        assertThat(gpu.get("device").get("cudaContext").asLong())
                .isEqualTo((400L << 20) + 3 * (8_519_680L + (2L << 20)) + 8 * (1L << 20));
    }

    @Test
    void anUnknownBoardGetsANewProfileNamedAfterTheFile() {
        Calibration c = new Calibration(1, "NVIDIA L4", "550.54.15", "11.8", "8.6.0", 24_000_000_000L,
                23_500_000_000L, 300L << 20, 8_519_680L, 2L << 20, 1L << 20, 512, Map.of("x", 5L), List.of());
        DeviceProfile p = CalibrateCommand.calibrated(null, c, "l4-24gb", "2026-11-29", "0.1.0");
        assertThat(p.problems()).isEmpty();
        assertThat(p.name()).isEqualTo("l4-24gb");
        assertThat(p.model()).isEqualTo("NVIDIA L4");
        assertThat(p.memory().capacityBytes()).isEqualTo(24_000_000_000L);
    }
}
