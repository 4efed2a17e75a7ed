package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caffemem.explain.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed user's excerpt (which prints no net) explained with a NET that is not quite the one that ran: the log's
 * top shapes decide the batch and stand in for a layer type caffemem does not know, and a net that computes other
 * shapes is caught, layer by layer.
 */
class ExplainInputsTest {
    private static final String SOLVER = "examples/seed/solver.prototxt";
    private String seed;
    private String page;

    @TempDir
    Path tmp;

    @BeforeEach
    void read() throws IOException {
        page = Fixtures.seedPage().toString();
        seed = Files.readString(Path.of("examples", "seed", "train_val.prototxt"));
    }

    @Test
    void aNetWrittenForAnotherBatchIsExplainedAtTheLogsBatch() throws IOException {
        JsonNode plain = explain(net("same", seed));
        // the train net's data layer comes first; the excerpt does not show the test net, so its batch stays
        JsonNode x = explain(net("b64", seed.replaceFirst("batch_size: 32", "batch_size: 64")));
        assertThat(x.get("batch").asInt()).isEqualTo(32);
        assertThat(x.get("topShapesMatch").asBoolean()).isTrue();
        assertThat(x.get("billAtLastEventBytes")).isEqualTo(plain.get("billAtLastEventBytes"));
        assertThat(x.get("notes").toString()).contains("the run's batch is the log's, 32", "not the 64 of");
        assertThat(plain.get("notes").toString()).doesNotContain("the run's batch")
                .contains("test net 0's setup is not in the log");
    }

    @Test
    void aNetWithAnotherKernelDiffersWhereTheLogSaysAndTheFigureToo() throws IOException {
        JsonNode x = explain(net("k7", seed.replace("kernel_size: 9", "kernel_size: 7")));
        assertThat(x.get("topShapesMatch").asBoolean()).isFalse();
        JsonNode diffs = x.get("topShapes").get("differences");
        assertThat(diffs).hasSize(1);
        assertThat(diffs.get(0).get("layer").asText()).isEqualTo("Layer2");
        assertThat(diffs.get(0).get("logged").asText()).isEqualTo("32x64x216x216");
        assertThat(diffs.get(0).get("caffemem").asText()).isEqualTo("32x64x218x218");
        assertThat(diffs.get(0).get("reason").asText()).contains("the net given may not be the one that ran",
                "not 1.0");
        JsonNode figure = x.get("memoryRequiredForData").get(0);
        assertThat(figure.get("loggedBytes").asLong()).isEqualTo(401_481_860L);
        assertThat(figure.get("caffememBytes").asLong()).isEqualTo(401_481_860L + 32L * 64 * (218 * 218 - 216 * 216) * 4);
        assertThat(figure.get("matches").asBoolean()).isFalse();
    }

    @Test
    void aLayerTypeCaffememDoesNotKnowTakesItsTopsFromTheLog() throws IOException {
        String python = seed.replace("type: \"InnerProduct\"", "type: \"Python\"")
                .replace("inner_product_param {\n    num_output: 64\n    weight_filler { type: \"xavier\" }\n  }",
                        "python_param { module: \"m\" layer: \"L\" }");
        assertThat(python).contains("python_param").doesNotContain("inner_product_param");
        JsonNode x = explain(net("python", python));
        assertThat(x.get("topShapesMatch").asBoolean()).isTrue();
        assertThat(x.get("notes").toString()).contains("top fc has the log's shape", "not in the bill");
        // without the log's shapes the same net cannot be estimated
        CliRun estimate = CliRun.of("estimate", tmp.resolve("python.prototxt").toString());
        assertThat(estimate.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(estimate.err()).contains("unknown layer type \"Python\"");
    }

    private Path net(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name + ".prototxt"), text);
    }

    private JsonNode explain(Path net) throws IOException {
        CliRun r = CliRun.of("explain", page, net.toString(), "--solver", SOLVER, "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }
}
