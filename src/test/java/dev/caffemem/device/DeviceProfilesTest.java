package dev.caffemem.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled profiles (profiles/*.yaml as the build copies them into the jar), lookup, checks, save and load. */
class DeviceProfilesTest {
    private static final long GIB = 1L << 30;
    /** The capacities NVIDIA publishes, in GiB, written here a second time to catch a slip in either place. */
    private static final Map<String, Long> PUBLISHED_GIB = Map.ofEntries(
            Map.entry("k80-12gb", 12L), Map.entry("p100-12gb", 12L), Map.entry("p100-16gb", 16L),
            Map.entry("v100-16gb", 16L), Map.entry("v100-32gb", 32L), Map.entry("t4-16gb", 16L),
            Map.entry("a10-24gb", 24L), Map.entry("a100-40gb", 40L), Map.entry("a100-80gb", 80L),
            Map.entry("h100-80gb", 80L), Map.entry("h200-141gb", 141L), Map.entry("rtx3090-24gb", 24L),
            Map.entry("rtx4090-24gb", 24L));

    private final DeviceProfiles bundled = new DeviceProfiles(List.of(), DeviceProfiles.class.getClassLoader());

    @Test
    void everyBundledProfileLoadsAndIsValid() {
        assertThat(bundled.bundledNames()).containsExactlyInAnyOrderElementsOf(PUBLISHED_GIB.keySet());
        for (String name : bundled.bundledNames()) {
            DeviceProfile p = bundled.get(name);
            assertThat(p.problems()).as(name).isEmpty();
            assertThat(p.schema()).as(name).isEqualTo(DeviceProfiles.SCHEMA);
            assertThat(p.name()).as(name).isEqualTo(name);
            assertThat(p.vendor()).as(name).isEqualTo("NVIDIA");
            assertThat(p.memory().capacityBytes()).as(name).isPositive().isEqualTo(PUBLISHED_GIB.get(name) * GIB);
            assertThat(p.computeCapability()).as(name).matches("\\d+\\.\\d");
            // shipped, not measured: every overhead unknown, and the provenance says so
            assertThat(p.calibrated()).as(name).isFalse();
            assertThat(p.provenance().calibrated()).as(name).isFalse();
            assertThat(p.memory().usableBytes()).as(name).isNull();
            assertThat(p.overheads().cudaContextBytes()).as(name).isNull();
            assertThat(p.overheads().cudnnWorkspaceBytes()).as(name).containsKeys("Convolution");
            assertThat(p.effectiveCapacityBytes()).as(name).isEqualTo(p.memory().capacityBytes());
        }
    }

    @Test
    void bundledNamesAreUniqueAndMatchTheProfilesDirectory() throws IOException {
        List<String> names = bundled.bundledNames();
        assertThat(names).doesNotHaveDuplicates();
        assertThat(names.stream().map(n -> bundled.get(n).name())).doesNotHaveDuplicates();
        try (Stream<Path> files = Files.list(Path.of("profiles"))) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .map(f -> f.substring(0, f.length() - 5))).containsExactlyInAnyOrderElementsOf(names);
        }
    }

    @Test
    void unknownNameListsTheKnownOnesAndSuggests() {
        assertThatThrownBy(() -> bundled.resolve("v100"))
                .isInstanceOf(UnknownProfileException.class)
                .hasMessageStartingWith("unknown device profile \"v100\" (did you mean v100-16gb or v100-32gb?)")
                .hasMessageContaining("known profiles: a10-24gb, a100-40gb, a100-80gb, h100-80gb, h200-141gb, k80-12gb,")
                .hasMessageEndingWith("or give a profile file (NAME.yaml)")
                .satisfies(e -> assertThat(((UnknownProfileException) e).knownNames()).hasSize(PUBLISHED_GIB.size()));
        assertThatThrownBy(() -> bundled.get("mi300x")).isInstanceOf(UnknownProfileException.class)
                .hasMessageStartingWith("unknown device profile \"mi300x\"; known profiles: a10-24gb,");
        assertThatThrownBy(() -> bundled.get("../pom")).isInstanceOf(UnknownProfileException.class);
    }

    @Test
    void namesAreCaseInsensitive() {
        assertThat(bundled.resolve("V100-16GB").name()).isEqualTo("v100-16gb");
    }

    @Test
    void saveThenLoadGivesTheSameProfile(@TempDir Path dir) throws IOException {
        for (String name : bundled.bundledNames()) {
            DeviceProfile p = bundled.get(name);
            Path file = dir.resolve(name + ".yaml");
            DeviceProfiles.save(p, file);
            assertThat(DeviceProfiles.load(file)).as(name).isEqualTo(p);
        }
        DeviceProfile measured = calibrated(bundled.get("h200-141gb"));
        Path file = dir.resolve("out/h200-141gb.yaml");
        DeviceProfiles.save(measured, file);
        String text = Files.readString(file);
        assertThat(text).startsWith("# caffemem device profile (schema 1): NVIDIA H200 141 GB.")
                .contains("computeCapability: \"9.0\"").contains("cudaContextBytes: 536870912")
                .contains("date: \"2025-03-01\"").doesNotContain("---");
        assertThat(DeviceProfiles.load(file)).isEqualTo(measured);
        // a saved profile in a directory overrides the bundled one of the same name
        assertThat(new DeviceProfiles(List.of(dir.resolve("out")), DeviceProfiles.class.getClassLoader())
                .get("h200-141gb").calibrated()).isTrue();
        try (Stream<Path> left = Files.list(dir.resolve("out"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("h200-141gb.yaml");
        }
    }

    @Test
    void resolveTakesAFile(@TempDir Path dir) {
        DeviceProfile mine = new DeviceProfile(1, "lab-box", "NVIDIA", "Tesla V100 16 GB in the lab", List.of("SXM2"),
                "Volta", "7.0", new DeviceProfile.Memory("HBM2", 16 * GIB, null), bundled.get("v100-16gb").overheads(),
                bundled.get("v100-16gb").provenance(), List.of());
        Path file = dir.resolve("my.yaml");
        DeviceProfiles.save(mine, file);
        assertThat(bundled.resolve(file.toString())).isEqualTo(mine);
        assertThatThrownBy(() -> bundled.resolve(dir.resolve("none.yaml").toString()))
                .isInstanceOf(DeviceProfileException.class).hasMessageContaining("none.yaml does not exist")
                .hasMessageContaining("v100-16gb");
    }

    @Test
    void directoriesAddNamesAndTheNameMustMatchTheFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("my-gpu.yaml"), yaml("name: my-gpu"));
        Files.writeString(dir.resolve("wrong.yaml"), yaml("name: other"));
        DeviceProfiles profiles = new DeviceProfiles(List.of(dir, dir.resolve("missing")),
                DeviceProfiles.class.getClassLoader());
        assertThat(profiles.names()).contains("my-gpu", "wrong", "v100-16gb");
        assertThat(profiles.get("my-gpu").memory().capacityBytes()).isEqualTo(GIB);
        assertThatThrownBy(() -> profiles.get("wrong")).isInstanceOf(DeviceProfileException.class)
                .hasMessageContaining("declares name \"other\", but is looked up as \"wrong\"");
    }

    @Test
    void badProfilesAreRefusedWithTheFieldAndPlace() {
        assertThatThrownBy(() -> parse(yaml("name: x").replace("schema: 1", "schema: 2")))
                .hasMessage("test.yaml: schema: 2 is not 1, the only version this caffemem reads");
        assertThatThrownBy(() -> parse(yaml("name: x").replace("capacityBytes: 1073741824", "capacityBytes: 0")))
                .hasMessage("test.yaml: memory.capacityBytes: must be a positive number of bytes");
        assertThatThrownBy(() -> parse(yaml("name: x").replace("usableBytes: null", "usableBytes: 2147483648")))
                .hasMessageContaining("memory.usableBytes: 2147483648 must be positive and at most capacityBytes");
        assertThatThrownBy(() -> parse(yaml("name: x").replace("  type:", "  kind: x\n  type:")))
                .isInstanceOf(DeviceProfileException.class)
                .hasMessage("test.yaml: memory.kind: unknown field (known here: capacityBytes, type, usableBytes)");
        assertThatThrownBy(() -> parse(yaml("name: x").replace("capacityBytes: 1073741824", "capacityBytes: lots")))
                .hasMessageStartingWith("test.yaml: memory.capacityBytes: Cannot deserialize value of type `java.lang.Long`");
        assertThatThrownBy(() -> parse(yaml("name: x") + "  : [\n"))
                .hasMessage("test.yaml:15:3: expected <block end>, but found ':' (while parsing a block mapping)");
        assertThatThrownBy(() -> parse(yaml("name: x").replace("overheads:\n  calibrated: false",
                "overheads:\n  calibrated: true")))
                .hasMessageContaining("provenance.calibrated: false disagrees with overheads.calibrated: true")
                .hasMessageContaining("overheads.cudaContextBytes: a calibrated profile must have it");
        assertThatThrownBy(() -> parse(yaml("name: X Y"))).hasMessageContaining("name: \"X Y\"");
        assertThatThrownBy(() -> parse(yaml("name: x").replace("\"7.0\"", "\"seven\"")))
                .hasMessageContaining("computeCapability: \"seven\"");
        assertThatThrownBy(() -> parse("")).hasMessage("test.yaml: empty device profile");
    }

    @Test
    void saveRefusesAnInvalidProfile(@TempDir Path dir) {
        DeviceProfile p = bundled.get("t4-16gb");
        DeviceProfile broken = new DeviceProfile(p.schema(), p.name(), p.vendor(), p.model(), p.formFactors(),
                p.architecture(), p.computeCapability(), new DeviceProfile.Memory("GDDR6", -1L, null), p.overheads(),
                p.provenance(), p.notes());
        assertThatThrownBy(() -> DeviceProfiles.save(broken, dir.resolve("t4-16gb.yaml")))
                .hasMessageContaining("refusing to save device profile \"t4-16gb\"")
                .hasMessageContaining("memory.capacityBytes");
        assertThat(dir.resolve("t4-16gb.yaml")).doesNotExist();
    }

    @Test
    void bundledProfilesAreListedFromAJarToo(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("profiles.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            // directory entries, as the maven-jar-plugin writes them
            for (String d : List.of("dev/", "dev/caffemem/", DeviceProfiles.RESOURCE_DIR)) {
                out.putNextEntry(new JarEntry(d));
            }
            for (String name : List.of("one-gpu", "two-gpu")) {
                out.putNextEntry(new JarEntry(DeviceProfiles.RESOURCE_DIR + name + ".yaml"));
                write(out, yaml("name: " + name));
            }
            out.putNextEntry(new JarEntry(DeviceProfiles.RESOURCE_DIR + "README.md"));
            write(out, "not a profile");
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            DeviceProfiles inJar = new DeviceProfiles(List.of(), loader);
            assertThat(inJar.names()).containsExactly("one-gpu", "two-gpu");
            assertThat(inJar.get("two-gpu").name()).isEqualTo("two-gpu");
            assertThat(inJar.get("two-gpu").name()).as("the jar is still readable after listing").isEqualTo("two-gpu");
        }
    }

    /** A valid minimal profile of 1 GiB, with the given name line. */
    private static String yaml(String nameLine) {
        return """
                schema: 1
                %s
                vendor: NVIDIA
                model: "Test GPU"
                computeCapability: "7.0"
                memory:
                  type: HBM2
                  capacityBytes: 1073741824
                  usableBytes: null
                overheads:
                  calibrated: false
                  cudaContextBytes: null
                provenance:
                  calibrated: false
                """.formatted(nameLine);
    }

    private static DeviceProfile parse(String text) {
        return DeviceProfiles.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static DeviceProfile calibrated(DeviceProfile p) {
        Map<String, Long> workspaces = new LinkedHashMap<>();
        workspaces.put("Convolution", 25_165_824L);
        workspaces.put("LRN", null);
        DeviceProfile.Overheads o = new DeviceProfile.Overheads(true, 512L << 20, 4L << 20, 1L << 20, 2L << 20,
                2L << 20, workspaces);
        DeviceProfile.Provenance prov = new DeviceProfile.Provenance(true, "2025-03-01", "550.54.15", "11.8",
                "8.9.7", "1.0-1.5.8", "caffemem calibrate 0.1.0 on host gpu-7", "one point per batch 1, 2, 4");
        return new DeviceProfile(p.schema(), p.name(), p.vendor(), p.model(), p.formFactors(), p.architecture(),
                p.computeCapability(), new DeviceProfile.Memory(p.memory().type(), p.memory().capacityBytes(),
                        150_000_000_000L), o, prov, p.notes());
    }
}
