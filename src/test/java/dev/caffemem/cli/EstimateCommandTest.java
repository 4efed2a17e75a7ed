package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caffemem.memory.Component;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** caffemem estimate on the seed example: the numbers the user's log shows, and the output contracts. */
class EstimateCommandTest {
    private static final String SOLVER = "examples/seed/solver.prototxt";

    @Test
    void seedExampleReportsCaffesOwnFigureExactlyNextToTheRealBill() {
        CliRun r = CliRun.of("estimate", "--solver", SOLVER, "--batch", "32");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("Memory required for data: 401481860\"");
        assertThat(r.out()).contains("Total: 3.");
    }

    @Test
    void seedExampleTopShapesEqualTheSeedLog() throws Exception {
        JsonNode json = new ObjectMapper().readTree(CliRun.of("estimate", "--solver", SOLVER, "--format", "json").out());
        List<String> shapes = new ArrayList<>();
        for (JsonNode layer : json.get("layers")) {
            for (JsonNode top : layer.get("tops")) {
                shapes.add(top.get("name").asText() + " " + top.get("shape").toString());
            }
        }
        // from ../shared/seed: "Top shape: 32 3 224 224", "32", "32 64 216 216", "32 64", "(1)"
        assertThat(shapes).containsExactly("data [32,3,224,224]", "label [32]", "conv1 [32,64,216,216]",
                "fc [32,64]", "loss []");
        assertThat(json.get("caffeLogBytes").asLong()).isEqualTo(401_481_860L);
    }

    @Test
    void jsonContractHasTheDocumentedFieldsAndAddsUp() throws Exception {
        JsonNode json = new ObjectMapper().readTree(CliRun.of("estimate", "--solver", SOLVER, "--format", "json").out());
        for (String field : List.of("batch", "caffeLogBytes", "totalBytes", "fixedBytes", "perSampleBytes", "components", "layers")) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        long sum = 0;
        for (Component c : Component.values()) {
            assertThat(json.get("components").has(c.jsonName())).as(c.jsonName()).isTrue();
            sum += json.get("components").get(c.jsonName()).asLong();
        }
        assertThat(sum).isEqualTo(json.get("totalBytes").asLong());
        assertThat(json.get("fixedBytes").asLong() + 32 * json.get("perSampleBytes").asLong())
                .isEqualTo(json.get("totalBytes").asLong());
        for (String c : List.of("activationData", "activationDiff", "paramData", "paramDiff", "solverState",
                "layerBuffers", "prefetch", "testNet")) {
            assertThat(json.get("components").get(c).asLong()).as(c).isPositive();
        }
        JsonNode conv = json.get("layers").get(1);
        assertThat(conv.get("name").asText()).isEqualTo("Layer2");
        assertThat(conv.get("components").get("activationData").asLong()).isEqualTo(32L * 64 * 216 * 216 * 4);
    }

    @Test
    void batchScalesThePerSamplePartOnly() throws Exception {
        ObjectMapper m = new ObjectMapper();
        JsonNode b8 = m.readTree(CliRun.of("estimate", "--solver", SOLVER, "-b", "8", "--format", "json").out());
        JsonNode b16 = m.readTree(CliRun.of("estimate", "--solver", SOLVER, "-b", "16", "--format", "json").out());
        assertThat(b8.get("batch").asInt()).isEqualTo(8);
        // every buffer is exactly linear in the batch; only glibc's page rounding (overhead) wobbles a little
        long linear8 = b8.get("totalBytes").asLong() - b8.get("components").get("overhead").asLong();
        long linear16 = b16.get("totalBytes").asLong() - b16.get("components").get("overhead").asLong();
        long perSample = b8.get("perSampleBytes").asLong() - b8.get("perSample").get("overhead").asLong();
        assertThat(linear16 - linear8).isEqualTo(8 * perSample);
        assertThat(Math.abs(b16.get("fixedBytes").asLong() - b8.get("fixedBytes").asLong())).isLessThan(64 * 1024);
        assertThat(b8.get("linear").asBoolean()).isTrue();
    }

    @Test
    void csvHasOneRowPerLayerAndATotal() {
        String csv = CliRun.of("estimate", "--solver", SOLVER, "--format", "csv").out();
        List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).startsWith("layer,type,top shapes,");
        // the TRAIN net: Layer1 (the TRAIN data layer), Layer2, Layer3, loss
        assertThat(lines).hasSize(1 + 4 + 1);
        assertThat(lines.get(lines.size() - 1)).startsWith("TOTAL,");
    }

    @Test
    void markdownAndExactBytes() {
        String md = CliRun.of("estimate", "--solver", SOLVER, "--format", "markdown", "--bytes").out();
        assertThat(md).contains("| layer | type | top shapes |").contains("|---|");
        assertThat(md).contains("| 382205952 |");
    }

    @Test
    void memoryOptionSaysWhetherItFitsWithAnExitCode() {
        CliRun small = CliRun.of("estimate", "--solver", SOLVER, "--memory", "2GiB");
        assertThat(small.exitCode()).isEqualTo(ExitCodes.DOES_NOT_FIT);
        assertThat(small.err()).startsWith("does NOT fit");
        CliRun big = CliRun.of("estimate", "--solver", SOLVER, "--memory", "16 GB");
        assertThat(big.exitCode()).isZero();
        assertThat(big.err()).startsWith("fits");
    }

    @Test
    void inferenceNeedsNoSolverAndHasNoGradients() throws Exception {
        JsonNode json = new ObjectMapper().readTree(CliRun.of("estimate", "examples/seed/train_val.prototxt",
                "--phase", "TEST", "--format", "json").out());
        assertThat(json.get("phase").asText()).isEqualTo("TEST");
        assertThat(json.get("components").get("paramDiff").asLong()).isZero();
        assertThat(json.get("components").get("solverState").asLong()).isZero();
        assertThat(json.get("components").get("activationDiff").asLong()).isEqualTo(4);
    }

    @Test
    void helpExplainsTheCommand() {
        CliRun r = CliRun.of("estimate", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--input-shape", "--solver", "--batch", "Examples:");
    }

    /**
     * Issue 8: the estimator swallowed the NetException of its runs at batches 2 and 3 and called the bill
     * "not linear". A net that only builds at its own batch (a Reshape with the batch written in) is a real
     * case, so the bill stays, all fixed, and the note says why, naming the layer.
     */
    @Test
    void aNetThatOnlyBuildsAtItsOwnBatchSaysWhy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path net = java.nio.file.Files.writeString(tmp.resolve("fixed-batch.prototxt"),
                "layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 64 dim: 3 dim: 4 dim: 4 } } }\n"
                + "layer { name: 'r' type: 'Reshape' bottom: 'data' top: 'r' reshape_param { shape { dim: 64 dim: 48 } } }\n");
        CliRun r = CliRun.of("estimate", net.toString(), "--phase", "TEST", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("perSampleBytes").asLong()).isZero();
        assertThat(json.get("fixedBytes").asLong()).isEqualTo(json.get("totalBytes").asLong());
        List<String> notes = new ArrayList<>();
        json.get("notes").forEach(n -> notes.add(n.asText()));
        assertThat(notes).noneMatch(n -> n.contains("not linear"));
        assertThat(notes).anyMatch(n -> n.contains("builds only at its own batch") && n.contains("at batch 2")
                && n.contains("layer \"r\" (Reshape)") && n.contains("all fixed"));
    }
}
