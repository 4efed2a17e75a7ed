package dev.caffemem.prototxt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** parse -> print -> parse gives an equal message, for fixtures and for real Caffe files. */
class RoundTripTest {

    static List<String> fixtures() {
        return Fixtures.NAMES;
    }

    static Stream<Path> caffeModels() {
        dev.caffemem.testing.Prerequisites.requireCorpus();
        return Fixtures.caffeModelFiles().stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void fixturesSurviveARoundTrip(String name) {
        Message parsed = Fixtures.parseFixture(name);
        String printed = TextFormat.print(parsed);
        Message reparsed = TextFormat.parse(printed, name + " (printed)", parsed.type());
        assertThat(reparsed).isEqualTo(parsed);
        assertThat(TextFormat.print(reparsed)).isEqualTo(printed);
    }

    @Test
    void realCaffeFilesArePresent() {
        dev.caffemem.testing.Prerequisites.requireCorpus();
        assertThat(Fixtures.caffeModelFiles()).hasSizeGreaterThan(10);
    }

    @ParameterizedTest
    @MethodSource("caffeModels")
    void realCaffeFilesParseAndSurviveARoundTrip(Path file) {
        MessageType root = Fixtures.rootFor(file.getFileName().toString());
        Message parsed = TextFormat.parse(file, root);
        assertThat(parsed.presentFields()).isNotEmpty();
        Message reparsed = TextFormat.parse(TextFormat.print(parsed), file + " (printed)", root);
        assertThat(reparsed).isEqualTo(parsed);
    }

    @Test
    void printsCanonicalText() {
        Message net = TextFormat.parse("name:'n' layer<name:\"a\" bottom:'x' convolution_param{num_output:0x10 "
                + "weight_filler{std:1e-2}} include{phase:TEST}> input_dim:[1,2]", "t",
                Schema.caffe().message("NetParameter"));
        assertThat(TextFormat.print(net)).isEqualTo("""
                name: "n"
                layer {
                  name: "a"
                  bottom: "x"
                  convolution_param {
                    num_output: 16
                    weight_filler {
                      std: 0.01
                    }
                  }
                  include {
                    phase: TEST
                  }
                }
                input_dim: 1
                input_dim: 2
                """);
        assertThat(TextFormat.print(new Message(Schema.caffe().message("NetParameter")))).isEmpty();
        Message empty = TextFormat.parse("transform_param {}", "t", Schema.caffe().message("LayerParameter"));
        assertThat(TextFormat.print(empty)).isEqualTo("transform_param {\n}\n");
    }

    @Test
    void printsNumbersThatReadBackExactly() {
        assertThat(TextPrinter.formatDouble(1e-4)).isEqualTo("1e-4");
        assertThat(TextPrinter.formatDouble(1e-8)).isEqualTo("1e-8");
        assertThat(TextPrinter.formatDouble(0.001)).isEqualTo("0.001");
        assertThat(TextPrinter.formatDouble(5)).isEqualTo("5");
        assertThat(TextPrinter.formatDouble(-0.0)).isEqualTo("-0");
        assertThat(TextPrinter.formatDouble(1.5e300)).isEqualTo("1.5e300");
        assertThat(TextPrinter.formatDouble(123456789.0)).isEqualTo("1.23456789e8");
        assertThat(TextPrinter.formatDouble(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(TextPrinter.formatDouble(Double.NaN)).isEqualTo("nan");
        assertThat(TextPrinter.formatDouble(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(TextPrinter.formatDouble(Double.MIN_VALUE)).isEqualTo("4.9e-324");

        Message layer = new Message(Schema.caffe().message("LayerParameter"));
        for (double d : new double[] {1e-4, 0.1 + 0.2, -0.0, 1e23, Double.MAX_VALUE, Double.MIN_VALUE, 1 / 3.0,
                Double.POSITIVE_INFINITY, Double.NaN, 4294967296.5}) {
            layer.add("loss_weight", d);
        }
        Message back = TextFormat.parse(TextFormat.print(layer), "t", layer.type());
        assertThat(back.getDoubles("loss_weight")).isEqualTo(layer.getDoubles("loss_weight"));
    }

    @Test
    void printsStringsWithEscapesThatReadBackExactly() {
        Message layer = new Message(Schema.caffe().message("LayerParameter"));
        layer.set("name", "quote \" backslash \\ newline \n tab \t cr \r bell \u0007 del \u007f é 😀 'single'");
        String printed = TextFormat.print(layer);
        assertThat(printed).isEqualTo("name: \"quote \\\" backslash \\\\ newline \\n tab \\t cr \\r bell \\007 del \\177"
                + " é 😀 'single'\"\n");
        assertThat(TextFormat.parse(printed, "t", layer.type())).isEqualTo(layer);

        Message datum = Fixtures.parseFixture("datum-bytes.prototxt");
        assertThat(TextFormat.print(datum)).contains("data: \"\\000\\001\\377\\200ok\\n\"");
    }
}
