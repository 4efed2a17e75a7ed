package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caffemem.explain.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * caffemem explain as a user runs it, on real Caffe logs: the seed killed in a 3 GiB cgroup, the seed user's own
 * excerpt with the example's net and solver, and a finished run with snapshots.
 */
class ExplainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NET = "examples/seed/train_val.prototxt";
    private static final String SOLVER = "examples/seed/solver.prototxt";

    @TempDir
    Path tmp;

    @Test
    void theKilledSeedRunDiedInIterationZerosUpdateHoldingTheSteadyStateEstimate() throws IOException {
        CliRun r = CliRun.of("explain", Fixtures.log(Fixtures.KILLED).toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Killed: \"bash: line 1: ", "The log ends in iteration 0's update",
                "printed by the solver's ApplyUpdate before the update", "SGD's momentum",
                "Top shapes: all 10 logged top shapes are caffemem's.", "Caffe version: 1.0");
        JsonNode x = json("explain", Fixtures.log(Fixtures.KILLED).toString());
        assertKilledInTheFirstUpdate(x, steadyEstimate());
        // the run the log prints is the example's own: the same peak as estimate's, to the byte
        assertThat(x.get("peakBytes").asLong()).isEqualTo(estimate().get("peakBytes").asLong());
        assertThat(x.get("peakEvent").get("event").asText()).isEqualTo("snapshot_solver_state");
        assertThat(x.get("netSource").asText()).startsWith("the log (line ");
        assertThat(x.get("caffeVersion").asText()).isEqualTo("1.0");
        assertThat(x.get("memoryRequiredForData")).hasSize(2).allSatisfy(f -> {
            assertThat(f.get("loggedBytes").asLong()).isEqualTo(401_481_860L);
            assertThat(f.get("matches").asBoolean()).isTrue();
        });
        // it held the forward and backward passes' high-water without being killed, and died needing more
        assertThat(x.get("heldBeforeBytes").asLong()).isLessThan(3L << 30);
        assertThat(x.get("billAtLastEventBytes").asLong()).isGreaterThan(3L << 30);
    }

    @Test
    void theSeedUsersOwnExcerptWithTheExamplesNetAndSolverSaysTheSame() throws IOException {
        String page = Fixtures.seedPage().toString();
        JsonNode x = json("explain", page, NET, "--solver", SOLVER);
        assertKilledInTheFirstUpdate(x, steadyEstimate());
        assertThat(x.get("killedLine").get("text").asText()).isEqualTo("Killed");
        assertThat(x.get("netSource").asText()).isEqualTo(NET);
        assertThat(x.get("topShapes").get("checked").asInt()).isEqualTo(5);
        assertThat(x.get("caffeVersion").asText()).isEqualTo("other");
        assertThat(x.get("versionDifferences").toString()).contains("net.cpp:148", "before 1.0-rc4");
    }

    @Test
    void aFinishedRunGivesItsPeakAndTheLogLineWhereItHappened() throws IOException {
        Path log = Fixtures.log(Fixtures.FINISHED);
        JsonNode x = json("explain", log.toString());
        assertThat(x.get("finished").asBoolean()).isTrue();
        assertThat(x.get("killed").asBoolean()).isFalse();
        assertThat(x.get("iterations").get("last").asInt()).isEqualTo(4);
        assertThat(x.get("testPasses").asInt()).isEqualTo(6);
        assertThat(x.get("snapshots")).hasSize(2);
        assertThat(x.get("topShapesMatch").asBoolean()).isTrue();
        assertThat(x.get("topShapes").get("checked").asInt()).isEqualTo(75);
        assertThat(x.get("memoryRequiredForData")).hasSize(3).allSatisfy(f -> assertThat(f.get("matches").asBoolean())
                .isTrue());
        JsonNode peak = x.get("peakEvent");
        assertThat(peak.get("event").asText()).startsWith("snapshot");
        assertThat(peak.get("iteration").asInt()).isEqualTo(2);
        String line = Files.readAllLines(log).get(x.get("peakLine").asInt() - 1);
        assertThat(line).contains("Snapshotting to binary proto file snap/autoencoder_iter_2.caffemodel");
        assertThat(x.get("peakBytes").asLong()).isEqualTo(peak.get("highWaterBytes").asLong())
                .isGreaterThan(x.get("steadyBytes").asLong());
        CliRun text = CliRun.of("explain", log.toString());
        assertThat(text.out()).contains("Finished: \"Optimization Done.\"", "The run's peak: ",
                "at the snapshot at iteration 2", "iterations 0 to 4, 6 test passes, 2 snapshots");
    }

    @Test
    void aCaffeTestLogIsOneTestNetWithItsTrainedWeightsLoaded() throws IOException {
        JsonNode x = json("explain", Fixtures.log(Fixtures.CAFFE_TEST).toString());
        assertThat(x.get("command").asText()).isEqualTo("test");
        assertThat(x.get("finished").asBoolean()).isTrue();
        assertThat(x.get("topShapesMatch").asBoolean()).isTrue();
        assertThat(x.get("topShapes").get("checked").asInt()).isEqualTo(25);
        // a small net at batch 100: parsing the .caffemodel beside the filled weights is the most it holds
        assertThat(x.get("peakEvent").get("event").asText()).isEqualTo("load_weights");
        assertThat(CliRun.of("explain", Fixtures.log(Fixtures.CAFFE_TEST).toString()).out())
                .contains("caffe test of MNISTAutoencoder", "2 forward passes", "caffe test runs no solver");
    }

    @Test
    void aRunThatAbortsOnItsNetIsReportedWithCaffesWordsAndCaffemems() {
        CliRun r = CliRun.of("explain", Fixtures.log(Fixtures.CAFFE_TEST_ABORTED).toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("the run aborted: \"Unknown bottom blob 'data'", "insert_splits.cpp",
                "caffemem cannot build the net either", "layer \"flatdata\" (Flatten): unknown bottom blob \"data\"")
                .hasLineCount(1);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anAddressSpaceLimitAbortsWhileZeroingTheFirstGradientsAskingForLayer3sSize() throws IOException {
        JsonNode x = json("explain", Fixtures.log(Fixtures.ULIMIT).toString());
        assertThat(x.get("killed").asBoolean()).isFalse();
        assertThat(x.get("finished").asBoolean()).isFalse();
        assertThat(x.get("checkFailed").get("text").asText()).contains("host allocation of size 764411904 failed");
        assertThat(x.get("outOfMemory").get("line").asInt()).isEqualTo(x.get("checkFailed").get("line").asInt());
        assertThat(x.get("lastEvent").get("event").asText()).isEqualTo("clear_diffs");
        assertThat(x.get("firstTouch").get("what").asText()).contains("param diff");
        // 764411904 = 64 x 2985984 floats: the InnerProduct's weights, whose gradient ClearParamDiffs writes first
        assertThat(x.get("failedAllocation").get("bytes").asLong()).isEqualTo(64L * 2_985_984 * 4);
        assertThat(x.get("failedAllocation").get("buffers").toString()).contains("Layer3's weights' gradient");
        // it held its weights twice (train and test net) and the prefetch batches: no change of batch, test batch,
        // solver or snapshot brings the run under that
        assertThat(x.get("suggestions")).isEmpty();
        assertThat(x.get("smallestPeakBytes").asLong()).isGreaterThan(x.get("limitBytes").asLong());
        assertThat(CliRun.of("explain", Fixtures.log(Fixtures.ULIMIT).toString()).out())
                .contains("Aborted: \"Check failed: *ptr host allocation of size 764411904 failed\"",
                        "nothing caffemem tries fits");
    }

    @Test
    void withMemoryItSaysTheRunDoesNotFitAndEverySuggestionFitsExactly() throws IOException {
        long memory = 3L << 30;
        CliRun r = CliRun.of("explain", Fixtures.log(Fixtures.KILLED).toString(), "--memory", "3GiB", "--format", "json");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.DOES_NOT_FIT);
        JsonNode x = JSON.readTree(r.out());
        assertThat(x.get("fits").asBoolean()).isFalse();
        assertThat(x.get("memoryBytes").asLong()).isEqualTo(memory);
        assertThat(x.get("suggestions")).isNotEmpty();
        for (JsonNode s : x.get("suggestions")) {
            assertThat(s.get("peakBytes").asLong()).isLessThanOrEqualTo(memory);
            // the same run with these changes, estimated on its own: it fits, and one more train sample does not
            long peak = peakWith(s.get("changes"), 0);
            assertThat(peak).isEqualTo(s.get("peakBytes").asLong());
            if (s.get("changes").toString().contains("batch_size (train net)")) {
                assertThat(peakWith(s.get("changes"), 1)).isGreaterThan(memory);
            }
        }
    }

    @Test
    void prefixesLineEndingsAndTrailingSpacesOfAnotherToolGiveTheSameAnswer() throws IOException {
        JsonNode plain = json("explain", Fixtures.log(Fixtures.KILLED).toString());
        List<String> lines = Files.readAllLines(Fixtures.log(Fixtures.KILLED));
        Path wrapped = tmp.resolve("docker.log");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            out.add(String.format("2024-05-01T12:%02d:%02d.%09dZ [stderr] %s  ", i / 60 % 60, i % 60, i, lines.get(i)));
        }
        Files.writeString(wrapped, String.join("\r\n", out) + "\r\n");
        JsonNode x = json("explain", wrapped.toString());
        for (String field : List.of("killed", "lastEvent", "billAtLastEventBytes", "peakBytes", "topShapesMatch",
                "topShapes", "memoryRequiredForData", "suggestions", "netSource")) {
            assertThat(x.get(field)).as(field).isEqualTo(plain.get(field));
        }
    }

    @Test
    void mistakesAreOneLineWithTheirExitCode() throws IOException {
        CliRun missing = CliRun.of("explain", tmp.resolve("none.log").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).contains("none.log: no such file").hasLineCount(1);
        Path prose = Files.writeString(tmp.resolve("prose.txt"), "my training was killed\nKilled\n");
        CliRun noGlog = CliRun.of("explain", prose.toString());
        assertThat(noGlog.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noGlog.err()).contains("no Caffe log line found").hasLineCount(1);
        // the excerpt prints no net: without NET or --solver there is nothing to estimate
        Path excerpt = Files.writeString(tmp.resolve("excerpt.log"), Files.readAllLines(Fixtures.log(Fixtures.KILLED))
                .stream().filter(l -> l.startsWith("I") && !l.contains("from parameters"))
                .collect(Collectors.joining("\n")));
        CliRun noNet = CliRun.of("explain", excerpt.toString());
        assertThat(noNet.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noNet.err()).contains("give NET").hasLineCount(1);
        CliRun csv = CliRun.of("explain", Fixtures.log(Fixtures.KILLED).toString(), "--format", "csv");
        assertThat(csv.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(csv.out()).isEmpty();
    }

    private static void assertKilledInTheFirstUpdate(JsonNode x, long steadyEstimate) {
        assertThat(x.get("killed").asBoolean()).isTrue();
        assertThat(x.get("finished").asBoolean()).isFalse();
        JsonNode last = x.get("lastEvent");
        assertThat(last.get("event").asText()).isEqualTo("update");
        assertThat(last.get("iteration").asInt()).isZero();
        assertThat(last.get("exact").asBoolean()).isTrue();
        assertThat(last.get("repeat").asBoolean()).isFalse();
        assertThat((double) x.get("billAtLastEventBytes").asLong()).isCloseTo(steadyEstimate, within(0.01 * steadyEstimate));
        assertThat(x.get("topShapesMatch").asBoolean()).isTrue();
        assertThat(x.get("topShapes").get("differences")).isEmpty();
        assertThat(x.get("firstTouch").get("what").asText()).contains("history_", "momentum");
        assertThat(x.get("suggestions")).isNotEmpty();
    }

    /** What `caffemem estimate` bills for one iteration of the seed example: the steady state. */
    private static long steadyEstimate() throws IOException {
        return estimate().get("totalBytes").asLong();
    }

    private static JsonNode estimate() throws IOException {
        CliRun r = CliRun.of("estimate", "--solver", SOLVER, "--format", "json");
        assertThat(r.exitCode()).isZero();
        return JSON.readTree(r.out());
    }

    /** The seed's peak by `caffemem estimate` with a suggestion's changes made (and the train batch {@code plus} more). */
    private long peakWith(JsonNode changes, int plus) throws IOException {
        String solver = Files.readString(Path.of(SOLVER)).replace("net: \"train_val.prototxt\"",
                "net: \"" + Path.of(NET).toAbsolutePath() + "\"");
        List<String> args = new ArrayList<>(List.of("estimate", "--format", "json"));
        for (JsonNode c : changes) {
            String setting = c.get("setting").asText();
            String to = c.get("to").asText();
            switch (setting) {
                case "snapshot_format" -> solver += "\nsnapshot_format: " + to + "\n";
                case "type" -> solver += "\ntype: \"" + to + "\"\n";
                case "batch_size (train net)" -> args.addAll(List.of("--batch", Integer.toString(Integer.parseInt(to) + plus)));
                case "batch_size (test nets)" -> args.addAll(List.of("--test-batch", to));
                default -> throw new AssertionError("a change this test does not make: " + setting);
            }
        }
        Path file = tmp.resolve("solver-" + System.nanoTime() + ".prototxt");
        Files.writeString(file, solver);
        args.addAll(List.of("--solver", file.toString()));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out()).get("peakBytes").asLong();
    }

    private static JsonNode json(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--format", "json"));
        CliRun r = CliRun.of(all.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isIn(ExitCodes.OK, ExitCodes.DOES_NOT_FIT);
        return JSON.readTree(r.out());
    }
}
