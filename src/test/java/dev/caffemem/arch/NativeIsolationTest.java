package dev.caffemem.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The analytical path must run with no native library loaded: no compiled class outside
 * dev.caffemem.probe may mention an org.bytedeco type (touching one loads Caffe's natives).
 */
class NativeIsolationTest {

    @Test
    void onlyTheProbePackageReferencesJavaCpp() throws IOException {
        Path classes = Path.of("target", "classes", "dev", "caffemem");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(classes)) {
            offenders = files.filter(p -> p.toString().endsWith(".class"))
                    .filter(p -> !classes.relativize(p).startsWith("probe"))
                    .filter(NativeIsolationTest::mentionsByteDeco)
                    .map(Path::toString).toList();
        }
        assertThat(offenders).isEmpty();
        try (Stream<Path> files = Files.walk(classes.resolve("probe"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".class")).filter(NativeIsolationTest::mentionsByteDeco).count())
                    .as("the check itself must see the probe's references").isPositive();
        }
    }

    private static boolean mentionsByteDeco(Path classFile) {
        try {
            return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1).contains("org/bytedeco");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
