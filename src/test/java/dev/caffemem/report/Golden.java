package dev.caffemem.report;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Golden files: the exact output of a command, kept under src/test/resources/dev/caffemem/report/golden,
 * so that a change to the output contract is a visible diff in review. A deliberate change is recorded with
 * {@code mvn test -Dtest=GoldenOutputTest -Dgolden.update=true} and reviewed with {@code git diff}.
 */
public final class Golden {
    static final Path DIR = Path.of("src", "test", "resources", "dev", "caffemem", "report", "golden");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    private Golden() {
    }

    /** Fails with the first differing line unless {@code actual} equals the golden file {@code name}. */
    public static void check(String name, String actual) throws IOException {
        Path file = DIR.resolve(name);
        if (UPDATE) {
            Files.createDirectories(DIR);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(file)) {
            fail("no golden file " + file + "; record it with -Dgolden.update=true and review it");
        }
        String expected = Files.readString(file, StandardCharsets.UTF_8);
        if (expected.equals(actual)) {
            return;
        }
        List<String> e = expected.lines().toList();
        List<String> a = actual.lines().toList();
        int line = 0;
        while (line < Math.min(e.size(), a.size()) && e.get(line).equals(a.get(line))) {
            line++;
        }
        fail(String.format("%s differs from its golden file at line %d:%n  golden: %s%n  now:    %s%n"
                        + "(if the change is deliberate: -Dgolden.update=true, then review git diff)", name, line + 1,
                line < e.size() ? e.get(line) : "<end of file>", line < a.size() ? a.get(line) : "<end of output>"));
    }
}
