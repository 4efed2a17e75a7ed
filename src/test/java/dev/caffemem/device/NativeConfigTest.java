package dev.caffemem.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which natives the probe child gets for --device, from the bundled native-config/*.properties, against class paths
 * made up here: a CPU-only one (the default build) and one with the GPU markers (what -Pgpu adds).
 */
class NativeConfigTest {
    private static final List<String> CPU_MARKERS = List.of("org/bytedeco/caffe/linux-x86_64/libjnicaffe.so");
    private static final List<String> GPU_MARKERS = List.of("org/bytedeco/caffe/linux-x86_64-gpu/libjnicaffe.so",
            "org/bytedeco/cuda/global/cudart.class", "org/bytedeco/cuda/linux-x86_64/libjnicudart.so",
            "org/bytedeco/cuda/linux-x86_64/libjninvml.so");

    @TempDir
    Path dir;

    @Test
    void parsesDevices() {
        assertThat(Device.parse("cpu")).isEqualTo(Device.CPU);
        assertThat(Device.parse(" CPU ")).isEqualTo(Device.CPU);
        assertThat(Device.parse("gpu")).isEqualTo(Device.gpu(0));
        assertThat(Device.parse("gpu:0")).isEqualTo(Device.gpu(0));
        assertThat(Device.parse("GPU:3")).isEqualTo(Device.gpu(3));
        assertThat(Device.parse("gpu:3")).hasToString("gpu:3");
        for (String bad : List.of("", "gpu:", "gpu:-1", "gpu:x", "gpu0", "cuda:0", "tpu", "gpu:123456789", "gpu:0,1")) {
            assertThatThrownBy(() -> Device.parse(bad)).as(bad).isInstanceOf(NativeConfigException.class)
                    .hasMessage("--device " + bad + ": expected cpu, gpu or gpu:N (N = the GPU's index as nvidia-smi "
                            + "lists it, from 0)")
                    .satisfies(e -> assertThat(((NativeConfigException) e).reason())
                            .isEqualTo(NativeConfigException.Reason.BAD_DEVICE));
        }
    }

    @Test
    void cpuForcesThePlainNatives() throws IOException {
        try (URLClassLoader cp = classPath(CPU_MARKERS)) {
            NativeConfig cpu = NativeConfig.select(Device.CPU, cp, Map.of("LD_LIBRARY_PATH", "/opt/x"), p -> true);
            assertThat(cpu.variant()).isEqualTo("cpu");
            assertThat(cpu.caffeClassifier()).isEqualTo("linux-x86_64");
            assertThat(cpu.jvmArgs()).containsExactly("-Dorg.bytedeco.javacpp.platform.extension=");
            assertThat(cpu.environment()).isEmpty();
            assertThat(NativeConfig.gpuSupportBuiltIn(cp)).isFalse();
        }
    }

    @Test
    void gpuForcesTheGpuNativesAndFindsCudaLibraries() throws IOException {
        try (URLClassLoader cp = classPath(union(CPU_MARKERS, GPU_MARKERS))) {
            assertThat(NativeConfig.gpuSupportBuiltIn(cp)).isTrue();
            Set<String> existing = Set.of("/usr/local/cuda/lib64", "/usr/local/cuda-11.8/lib64");
            NativeConfig gpu = NativeConfig.select(Device.gpu(1), cp,
                    Map.of("LD_LIBRARY_PATH", "/usr/local/nvidia/lib64::/usr/local/cuda/lib64"),
                    p -> existing.contains(p.toString()));
            assertThat(gpu.device()).isEqualTo(Device.gpu(1));
            assertThat(gpu.variant()).isEqualTo("gpu");
            assertThat(gpu.caffeClassifier()).isEqualTo("linux-x86_64-gpu");
            assertThat(gpu.jvmArgs()).containsExactly("-Dorg.bytedeco.javacpp.platform.extension=-gpu");
            // the parent's path kept as it was (its empty entry too), the one missing CUDA directory appended
            assertThat(gpu.environment()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "CUDA_DEVICE_ORDER", "PCI_BUS_ID", "CUDA_MODULE_LOADING", "EAGER",
                    "LD_LIBRARY_PATH", "/usr/local/nvidia/lib64::/usr/local/cuda/lib64:/usr/local/cuda-11.8/lib64"));
            Map<String, String> child = new HashMap<>(Map.of("CUDA_DEVICE_ORDER", "FASTEST_FIRST"));
            gpu.applyTo(child);
            assertThat(child).containsEntry("CUDA_DEVICE_ORDER", "PCI_BUS_ID");
            assertThat(gpu.toString()).startsWith("gpu:1 (linux-x86_64-gpu natives; "
                    + "-Dorg.bytedeco.javacpp.platform.extension=-gpu;");
        }
    }

    @Test
    void gpuKeepsTheCallersModuleLoadingAndAddsNoPathWhenNothingExists() throws IOException {
        try (URLClassLoader cp = classPath(union(CPU_MARKERS, GPU_MARKERS))) {
            NativeConfig gpu = NativeConfig.select(Device.gpu(0), cp, Map.of("CUDA_MODULE_LOADING", "LAZY"), p -> false);
            assertThat(gpu.environment()).containsExactly(Map.entry("CUDA_DEVICE_ORDER", "PCI_BUS_ID"));
            NativeConfig fresh = NativeConfig.select(Device.gpu(0), cp, Map.of(),
                    p -> p.toString().equals("/usr/local/cuda/lib64"));
            assertThat(fresh.environment()).containsEntry("LD_LIBRARY_PATH", "/usr/local/cuda/lib64");
        }
    }

    @Test
    void gpuFromACpuOnlyBuildSaysHowToBuildIt() throws IOException {
        try (URLClassLoader cp = classPath(CPU_MARKERS)) {
            assertThatThrownBy(() -> NativeConfig.select(Device.gpu(0), cp, Map.of(), p -> true))
                    .isInstanceOf(NativeConfigException.class)
                    .hasMessageStartingWith("--device gpu:0: this jar was built without GPU support; build with "
                            + "mvn -Pgpu package (missing: org/bytedeco/caffe/linux-x86_64-gpu/libjnicaffe.so, ")
                    .satisfies(e -> assertThat(((NativeConfigException) e).reason())
                            .isEqualTo(NativeConfigException.Reason.NOT_BUILT));
        }
        // half a GPU build (Caffe's GPU natives without the CUDA classes) is not a GPU build either
        try (URLClassLoader cp = classPath(union(CPU_MARKERS, GPU_MARKERS.subList(0, 1)))) {
            assertThatThrownBy(() -> NativeConfig.select(Device.gpu(0), cp, Map.of(), p -> true))
                    .hasMessageEndingWith("(missing: org/bytedeco/cuda/global/cudart.class, "
                            + "org/bytedeco/cuda/linux-x86_64/libjnicudart.so, org/bytedeco/cuda/linux-x86_64/libjninvml.so)");
        }
    }

    @Test
    void theBuildsOwnClassPathHasTheCpuNatives() {
        // the test class path is the default (or -Pgpu) build's: the CPU natives are there in both
        NativeConfig cpu = NativeConfig.forDevice("cpu");
        assertThat(cpu.jvmArgs()).containsExactly("-Dorg.bytedeco.javacpp.platform.extension=");
        ClassLoader own = NativeConfig.class.getClassLoader();
        boolean gpuJarPresent = GPU_MARKERS.stream().allMatch(r -> own.getResource(r) != null);
        assertThat(NativeConfig.gpuSupportBuiltIn()).isEqualTo(gpuJarPresent);
    }

    @Test
    void aMissingConfigurationIsABrokenBuild() throws IOException {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertThatThrownBy(() -> NativeConfig.select(Device.CPU, empty, Map.of(), p -> true))
                    .isInstanceOf(NativeConfigException.class)
                    .hasMessageContaining("dev/caffemem/native-config/cpu.properties is missing")
                    .satisfies(e -> assertThat(((NativeConfigException) e).reason())
                            .isEqualTo(NativeConfigException.Reason.BAD_CONFIG));
        }
    }

    /** A class path with the bundled native configurations and empty files standing in for the given resources. */
    private URLClassLoader classPath(List<String> markers) throws IOException {
        Path root = Files.createTempDirectory(dir, "cp");
        for (String variant : List.of("cpu", "gpu")) {
            String resource = NativeConfig.RESOURCE_DIR + variant + ".properties";
            Path target = root.resolve(resource);
            Files.createDirectories(target.getParent());
            try (var in = NativeConfig.class.getClassLoader().getResourceAsStream(resource)) {
                assertThat(in).as(resource).isNotNull();
                Files.copy(in, target);
            }
        }
        for (String marker : markers) {
            Path file = root.resolve(marker);
            Files.createDirectories(file.getParent());
            Files.createFile(file);
        }
        return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
    }

    private static List<String> union(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
