package dev.caffemem.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.cli.CliRun;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The output contract, sealed: what `caffemem estimate` prints (text and JSON) for the bundled example on the
 * CPU and on a GPU profile, and for the AlexNet-sized example, byte for byte against golden files.
 */
class GoldenOutputTest {

    record Case(String golden, List<String> args) {
        @Override
        public String toString() {
            return golden;
        }
    }

    static List<Case> cases() {
        String seed = "examples/seed/solver.prototxt";
        String alexnet = "examples/alexnet/solver.prototxt";
        List<String> gpu = List.of("--device", "gpu", "--profile", "v100-16gb");
        return List.of(
                new Case("estimate-seed.txt", List.of("estimate", "--solver", seed)),
                new Case("estimate-seed.json", List.of("estimate", "--solver", seed, "--format", "json")),
                new Case("estimate-seed-bytes.csv", List.of("estimate", "--solver", seed, "--format", "csv", "--bytes")),
                new Case("estimate-seed.md", List.of("estimate", "--solver", seed, "--format", "markdown")),
                new Case("estimate-alexnet.txt", List.of("estimate", "--solver", alexnet)),
                new Case("estimate-alexnet.json", List.of("estimate", "--solver", alexnet, "--format", "json")),
                new Case("estimate-seed-gpu.txt", concat(List.of("estimate", "--solver", seed), gpu)),
                new Case("estimate-seed-gpu.json", concat(List.of("estimate", "--solver", seed, "--format", "json"), gpu)),
                new Case("estimate-seed-inference.txt",
                        List.of("estimate", "examples/seed/train_val.prototxt", "--phase", "TEST")));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void outputMatchesItsGoldenFile(Case c) throws IOException {
        Locale before = Locale.getDefault();
        // a German locale must not change a decimal point: the renderers format under Locale.ROOT
        Locale.setDefault(Locale.GERMANY);
        try {
            // the OpenBLAS threads are this machine's processors by default: fix them for a machine-free output
            List<String> args = new java.util.ArrayList<>(c.args());
            args.addAll(List.of("--threads", "2"));
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isZero();
            Golden.check(c.golden(), r.out());
        } finally {
            Locale.setDefault(before);
        }
    }
}
