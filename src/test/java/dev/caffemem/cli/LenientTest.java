package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --lenient} on a net with unknown fields and layer types (forks/lenient.prototxt): without it, Caffe's own
 * line:column error; with it, exit 0, each unknown field and layer said once on stderr, unknown layers assumed
 * shape-preserving and said so in the notes.
 */
class LenientTest {
    private static final String NET = "src/test/resources/dev/caffemem/forks/lenient.prototxt";

    private static long lines(String text, String containing) {
        return Arrays.stream(text.split("\n")).filter(l -> l.contains(containing)).count();
    }

    @Test
    void withoutLenientTheFirstUnknownFieldStopsAtItsLineAndColumn() {
        CliRun r = CliRun.of("estimate", NET, "--phase", "TEST");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).isEqualTo("caffemem: " + NET + ":17:52: Message type \"caffe.ConvolutionParameter\" has no"
                + " field named \"strides\".\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void lenientSkipsEachUnknownFieldAndGuessesEachUnknownLayerSayingSoOnce() throws Exception {
        CliRun r = CliRun.of("estimate", NET, "--phase", "TEST", "--lenient", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(lines(r.err(), "--lenient:")).isEqualTo(4);
        assertThat(r.err()).contains("caffemem: --lenient: skipped unknown field caffe.ConvolutionParameter.strides (first at "
                        + NET + ":17:52)\n")
                .contains("caffemem: --lenient: skipped unknown field caffe.LayerParameter.mystery_param (first at " + NET
                        + ":31:3, 2 times)\n")
                .contains("caffemem: --lenient: layer \"conv1/bn\" (BN) at " + NET + ":19:1 is of a type caffemem does not"
                        + " model: assumed shape-preserving")
                .contains("caffemem: --lenient: layer \"mystery\" (Mystery) at " + NET + ":26:1");
        JsonNode e = new ObjectMapper().readTree(r.out());
        // the skipped stride leaves the convolution's own: 32 - 3 + 1 = 30; the guesses keep that shape
        assertThat(e.get("layers").get(1).get("tops").get(0).get("shape").toString()).isEqualTo("[2,8,30,30]");
        assertThat(e.get("layers").get(3).get("tops").get(0).get("shape").toString()).isEqualTo("[2,8,30,30]");
        assertThat(e.get("layers").get(4).get("tops").get(0).get("shape").toString()).isEqualTo("[2,10]");
        String notes = e.get("notes").toString();
        assertThat(notes).contains("--lenient: layer \\\"mystery\\\" (Mystery) is of a type caffemem does not model:"
                + " assumed shape-preserving").contains("--lenient: layer \\\"conv1/bn\\\" (BN)");
        assertThat(lines(notes.replace("\",\"", "\n"), "--lenient")).isEqualTo(2);
    }

    @Test
    void aTestNetReadFromTheSameFileIsNotReportedTwice(@TempDir Path dir) throws Exception {
        Path solver = dir.resolve("solver.prototxt");
        String net = Path.of(NET).toAbsolutePath().toString();
        Files.writeString(solver, "train_net: \"" + net + "\"\ntest_net: \"" + net + "\"\ntest_iter: 1\n"
                + "test_interval: 10\nbase_lr: 0.01\nfuture_solver_field: 2\n");
        CliRun r = CliRun.of("estimate", "--solver", solver.toString(), "--lenient");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(lines(r.err(), "--lenient:")).isEqualTo(5);
        assertThat(r.err()).contains("skipped unknown field caffe.SolverParameter.future_solver_field (first at " + solver
                + ":6:1)");
        assertThat(lines(r.err(), "mystery_param")).isEqualTo(1);
    }

    @Test
    void declaredTopsStillWinOverTheGuess() throws Exception {
        CliRun r = CliRun.of("estimate", NET, "--phase", "TEST", "--lenient", "--top-shape", "mystery=N,8,15,15",
                "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("layer \"mystery\"");
        JsonNode e = new ObjectMapper().readTree(r.out());
        assertThat(e.get("layers").get(3).get("tops").get(0).get("shape").toString()).isEqualTo("[2,8,15,15]");
        assertThat(e.get("notes").toString()).doesNotContain("(Mystery)");
    }

    @Test
    void aLayerWithNothingToTakeAShapeFromIsStillAnError(@TempDir Path dir) throws Exception {
        Path net = dir.resolve("source.prototxt");
        Files.writeString(net, "layer { name: \"src\" type: \"MysterySource\" top: \"x\" }\n");
        CliRun r = CliRun.of("estimate", net.toString(), "--lenient");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("layer \"src\" (MysterySource): unknown layer type \"MysterySource\" has no bottom to"
                + " take a shape from, even under --lenient; declare its tops with --top-shape x=DIMS");
    }

    @Test
    void probeAndReportTakeTheOptionToo() {
        for (String command : new String[] {"probe", "report"}) {
            String help = CliRun.of(command, "--help").out();
            assertThat(help).as(command).contains("--lenient").contains("--rois");
        }
        assertThat(CliRun.of("estimate", NET, "--rois", "0").err()).contains("--rois 0: at least 1 region");
    }
}
