package dev.caffemem.explain;

import dev.caffemem.testing.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The logs of src/test/resources/dev/caffemem/explain (see the README there) and the seed user's excerpt. */
public final class Fixtures {
    public static final String KILLED = "seed-killed-3GiB.log";
    public static final String FINISHED = "autoencoder-finished.log";
    public static final String ULIMIT = "seed-ulimit-2400000KiB.log";
    public static final String CAFFE_TEST = "autoencoder-test.log";
    public static final String CAFFE_TEST_ABORTED = "autoencoder-test-no-stage.log";
    static final Path SEED_PAGE = Path.of("..", "shared", "seed", "caffe-training-memory-question.txt");

    private Fixtures() {
    }

    /** A committed log, as a file. */
    public static Path log(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/dev/caffemem/explain/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page with the seed user's log excerpt, from ../shared (skips on a dev machine without it). */
    public static Path seedPage() {
        Prerequisites.require(Files.isRegularFile(SEED_PAGE), SEED_PAGE + " is not present (../shared beside the checkout)");
        return SEED_PAGE;
    }
}
