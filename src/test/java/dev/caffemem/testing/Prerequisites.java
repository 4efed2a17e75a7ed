package dev.caffemem.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The one switch that decides what a test does when a tool or data set it needs is missing. On a
 * developer's machine it skips (a JUnit assumption, with the reason); under {@code CI=true} it fails,
 * so that a CI machine lacking something cannot pass green by running fewer tests. {@code .ci/run}
 * installs everything the tests need.
 */
public final class Prerequisites {
    /** Read once, here and nowhere else. */
    public static final boolean STRICT = "true".equalsIgnoreCase(System.getenv("CI"));

    private Prerequisites() {
    }

    /**
     * @param present whether the prerequisite is there
     * @param what    what is missing and how to get it, e.g. "/usr/bin/promtool is not installed (apt-get install prometheus)"
     */
    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if (STRICT) {
            fail("missing prerequisite under CI=true (every test must run; .ci/run installs what tests need): " + what);
        }
        Assumptions.abort("skipped, missing prerequisite: " + what);
    }

    /**
     * For a test of behaviour that only exists on some machines, such as what happens on one WITHOUT an
     * NVIDIA driver: elsewhere it skips, under {@code CI=true} too, because nothing is missing there; the
     * behaviour cannot occur. Never for a missing tool or data set: those are {@link #require}.
     *
     * @param applies whether this machine is one the test is about
     * @param why     what kind of machine the test is about
     */
    public static void onlyWhere(boolean applies, String why) {
        Assumptions.assumeTrue(applies, "not applicable on this machine: " + why);
    }

    /** An executable file, with the package that provides it. */
    public static void requireExecutable(Path binary, String installHint) {
        require(Files.isExecutable(binary), binary + " is not installed (" + installHint + ")");
    }

    /** The validation corpus beside the checkout. */
    public static void requireCorpus() {
        require(Files.isDirectory(Path.of("..", "shared", "caffe-models")),
                "../shared/caffe-models is not present (the validation corpus beside the checkout)");
    }
}
