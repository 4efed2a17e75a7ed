package dev.caffemem.caffetool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code caffemem estimate ... --format json} run as a user runs it (the packaged jar, in the run's
 * directory), for the figure the peak is compared with.
 */
public final class Estimates {
    static final Path JAR = Path.of("target", "caffemem.jar").toAbsolutePath();

    private Estimates() {
    }

    /** The estimate's JSON for {@code caffemem estimate ARGS --format json} run in {@code dir}. */
    public static JsonNode json(Path dir, List<String> args) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: mvn -o -q package -DskipTests");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "estimate"));
        cmd.addAll(args);
        cmd.addAll(List.of("--format", "json"));
        try {
            Path err = Files.createTempFile("estimate", ".err");
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("caffemem estimate failed (" + String.join(" ", args) + "): "
                        + Files.readString(err));
            }
            Files.delete(err);
            return new ObjectMapper().readTree(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** totalBytes of the training estimate for a solver. */
    public static long trainTotalBytes(Path dir, String solver) {
        return json(dir, List.of("--solver", solver)).get("totalBytes").asLong();
    }
}
