package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The command line's last line of defence (issue 8, D3 and point 2): whatever a command throws, Errors
 * included, ends as one "caffemem:" line and a documented exit code (never 1, which means "does not fit"),
 * with the stack trace only under --verbose; and what the text report prints is bounded by design, whatever
 * the net's names and fan-out (JSON keeps everything).
 */
class TopLevelHandlerTest {
    /** Ten columns of at most {@link dev.caffemem.report.Table#MAX_TEXT_CELL} characters and their gaps. */
    private static final int WIDEST_ROW = 10 * (dev.caffemem.report.Table.MAX_TEXT_CELL + 2);
    private static final String INPUT = "layer { name: 'data' type: 'Input' top: 'data' "
            + "input_param { shape { dim: 2 dim: 3 dim: 4 dim: 4 } } }\n";

    /** A command that fails the way a bug would: an Error, not an Exception. */
    @CommandLine.Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @CommandLine.Option(names = {"-v", "--verbose"})
        boolean verbose;

        @CommandLine.Parameters(defaultValue = "oom")
        String what;

        @Override
        public Integer call() {
            throw what.equals("oom") ? new OutOfMemoryError("Java heap space") : new StackOverflowError();
        }
    }

    private static CliRun runWithBoom(String... args) {
        CommandLine cl = Cli.create();
        cl.addSubcommand("boom", new Boom());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new CliRun(cl.execute(args), out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"oom", "stack"})
    void anErrorIsExit4AndOneLine(String what) {
        CliRun r = runWithBoom("boom", what);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("caffemem: internal error: java.lang.")
                .contains(what.equals("oom") ? "OutOfMemoryError: Java heap space" : "StackOverflowError")
                .contains("--verbose");
    }

    @Test
    void theStackTraceOnlyUnderVerbose() {
        CliRun r = runWithBoom("boom", "--verbose", "oom");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(r.err().lines().findFirst()).get().asString().startsWith("caffemem: internal error: ");
        assertThat(r.err()).contains("\tat dev.caffemem.cli.TopLevelHandlerTest$Boom.call");
    }

    /** D3: num_axes near INT_MAX overflowed axis + num_axes and asked for a 2^31-element array. */
    @ParameterizedTest
    @ValueSource(strings = {"Scale", "Bias"})
    void numAxesNearIntMaxIsABadLayerNotAnOutOfMemoryError(String type, @TempDir Path tmp) throws Exception {
        Path net = tmp.resolve("scale.prototxt");
        String param = type.equals("Scale") ? "scale_param" : "bias_param";
        Files.writeString(net, INPUT + "layer { name: 'sc' type: '" + type + "' bottom: 'data' top: 'sc' " + param
                + " { axis: 1 num_axes: 2147483647 } }\n");
        CliRun r = CliRun.of("estimate", net.toString(), "--phase", "TEST");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("caffemem: " + net + ":2:1: layer \"sc\" (" + type + "): ")
                .contains("extends past bottom[0]");
    }

    /** D3: every text row was padded to the widest cell, so one 10 MiB name made 10 MiB rows. */
    @Test
    void aHugeLayerNameIsCutInTheTableAndKeptInJson(@TempDir Path tmp) throws Exception {
        String name = "n".repeat(10 << 20);
        StringBuilder text = new StringBuilder(INPUT);
        for (int i = 0; i < 300; i++) {
            text.append("layer { name: '").append(i == 0 ? name : "r" + i).append("' type: 'ReLU' bottom: 'data' top: 'r")
                    .append(i).append("' }\n");
        }
        Path net = tmp.resolve("long-name.prototxt");
        Files.writeString(net, text);
        CliRun r = CliRun.of("estimate", net.toString(), "--phase", "TEST");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().mapToInt(String::length).max().orElseThrow()).isLessThan(WIDEST_ROW);
        assertThat(r.out()).contains("nnnnnnnnnn...");
        CliRun json = CliRun.of("estimate", net.toString(), "--phase", "TEST", "--format", "json");
        JsonNode layers = new ObjectMapper().readTree(json.out()).get("layers");
        assertThat(layers.findValuesAsText("name")).contains(name);
    }

    /** D3: a 10,000-way fan-out is one Split layer with 10,000 tops, listed in one cell. */
    @Test
    void aWideFanOutIsCutInTheTableAndKeptInJson(@TempDir Path tmp) throws Exception {
        StringBuilder text = new StringBuilder(INPUT);
        int ways = 10_000;
        for (int i = 0; i < ways; i++) {
            text.append("layer { name: 'p").append(i).append("' type: 'Power' bottom: 'data' top: 'p").append(i).append("' }\n");
        }
        Path net = tmp.resolve("fan-out.prototxt");
        Files.writeString(net, text);
        CliRun r = CliRun.of("estimate", net.toString(), "--phase", "TEST");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().mapToInt(String::length).max().orElseThrow()).isLessThan(WIDEST_ROW);
        assertThat(r.out()).contains("data_data_0_split");
        CliRun json = CliRun.of("estimate", net.toString(), "--phase", "TEST", "--format", "json");
        JsonNode split = new ObjectMapper().readTree(json.out()).get("layers").get(1);
        assertThat(split.get("name").asText()).isEqualTo("data_data_0_split");
        assertThat(split.get("tops")).hasSize(ways);
    }

    @Test
    void aVeryLongErrorMessageIsCutToOneBoundedLine(@TempDir Path tmp) throws Exception {
        Path net = tmp.resolve("long-bottom.prototxt");
        Files.writeString(net, INPUT + "layer { name: 'r' type: 'ReLU' bottom: '" + "b".repeat(1 << 20) + "' top: 'r' }\n");
        CliRun r = CliRun.of("estimate", net.toString(), "--phase", "TEST");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("caffemem: " + net + ":2:").contains("unknown bottom blob", "more characters)")
                .hasSizeLessThan(2500);
    }
}
