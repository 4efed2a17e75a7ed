package dev.caffemem.prototxt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each text-format feature Caffe 1.0's protobuf accepts, read through the caffe schema. */
class TextFormatSyntaxTest {

    private static final Schema SCHEMA = Schema.caffe();

    private static Message net(String text) {
        return TextFormat.parse(text, "t.prototxt", SCHEMA.message("NetParameter"));
    }

    private static Message layer(String text) {
        return TextFormat.parse(text, "t.prototxt", SCHEMA.message("LayerParameter"));
    }

    @Test
    void skipsCommentsWhitespaceAndOptionalSeparators() {
        Message m = net("# heading\n\tname:\"a\" , input: \"x\";input:\"y\"\r\n  # trailing\nforce_backward:true#c\n");
        assertThat(m.getString("name")).isEqualTo("a");
        assertThat(m.getStrings("input")).containsExactly("x", "y");
        assertThat(m.getBool("force_backward")).isTrue();
        assertThat(net("").presentFields()).isEmpty();
        assertThat(net("  # only a comment").presentFields()).isEmpty();
    }

    @Test
    void acceptsEveryMessageDelimiterForm() {
        Message m = net("layer { name: \"a\" } layer: { name: \"b\" } layer < name: \"c\" > layer: < name: \"d\" >");
        assertThat(m.getMessages("layer")).extracting(l -> l.getString("name")).containsExactly("a", "b", "c", "d");
        assertThat(layer("include{phase:TEST}").getMessage("include", 0).getEnum("phase")).isEqualTo("TEST");
    }

    @Test
    void readsListsOfScalarsAndOfMessages() {
        Message m = net("input_dim: [1, 3, 224, 224] input_dim: 5 layer: [{ name: \"a\" }, < name: \"b\" >] input: []");
        assertThat(m.getLongs("input_dim")).containsExactly(1L, 3L, 224L, 224L, 5L);
        assertThat(m.getMessages("layer")).hasSize(2);
        assertThat(m.has("input")).isFalse();
        assertThat(m.pos("input_dim", 1)).isEqualTo(new SourcePos("t.prototxt", 1, 16));
        assertThat(net("layer [{ name: \"colon is optional for messages\" }]").count("layer")).isEqualTo(1);
    }

    @Test
    void decodesStringQuotesEscapesAndConcatenation() {
        assertThat(str("'single'")).isEqualTo("single");
        assertThat(str("\"it's\"")).isEqualTo("it's");
        assertThat(str("'say \"hi\"'")).isEqualTo("say \"hi\"");
        assertThat(str("\"a\\nb\\tc\\rd\\\\e\\'f\\\"g\\?h\"")).isEqualTo("a\nb\tc\rd\\e'f\"g?h");
        assertThat(str("\"\\a\\b\\f\\v\"")).isEqualTo("\u0007\b\f\u000B");
        assertThat(str("\"\\101\\102\\103 \\0 \\7\"")).isEqualTo("ABC \u0000 \u0007");
        assertThat(str("\"\\x41\\x4a\\x4Bz\\x7\"")).isEqualTo("AJKz\u0007");
        assertThat(str("\"\\u00e9\\U0001F600\"")).isEqualTo("é\uD83D\uDE00");
        assertThat(str("\"ab\" 'cd'\n  \"ef\"")).isEqualTo("abcdef");
        assertThat(str("\"\\303\" \"\\251\"")).as("bytes of one UTF-8 char split across literals").isEqualTo("é");
        assertThat(str("\"héllo wörld\"")).isEqualTo("héllo wörld");
        assertThat(str("\"\"")).isEmpty();
    }

    @Test
    void keepsEveryByteOfBytesFields() {
        Message datum = TextFormat.parse("data: \"\\000\\377\\x80é\"", "d", SCHEMA.message("Datum"));
        assertThat(datum.getString("data")).isEqualTo("\u0000\u00FF\u0080\u00C3\u00A9");
    }

    @Test
    void readsIntegersInEveryBase() {
        assertThat(net("input_dim: 0x1F input_dim: 0X10 input_dim: 017 input_dim: 0 input_dim: -12 input_dim: - 3")
                .getLongs("input_dim")).containsExactly(31L, 16L, 15L, 0L, -12L, -3L);
        assertThat(net("input_dim: 2147483647 input_dim: -2147483648").getLongs("input_dim"))
                .containsExactly(2147483647L, -2147483648L);
        Message conv = TextFormat.parse("num_output: 4294967295", "c", SCHEMA.message("ConvolutionParameter"));
        assertThat(conv.getLong("num_output")).isEqualTo(4294967295L);
        Message shape = TextFormat.parse("dim: 9223372036854775807 dim: -9223372036854775808 dim: 0x7fffffffffffffff",
                "s", SCHEMA.message("BlobShape"));
        assertThat(shape.getLongs("dim")).containsExactly(Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @Test
    void readsFloatsInEveryForm() {
        Message m = layer("loss_weight: 1 loss_weight: 1.5 loss_weight: .5 loss_weight: 1. loss_weight: 1e-3 "
                + "loss_weight: 1E+3 loss_weight: 2.5e2 loss_weight: 1.5f loss_weight: 2F loss_weight: -0.25 "
                + "loss_weight: inf loss_weight: -INF loss_weight: Infinity loss_weight: nan loss_weight: -NaN "
                + "loss_weight: 18446744073709551615 loss_weight: 1e400");
        assertThat(m.getDoubles("loss_weight")).containsExactly(1.0, 1.5, 0.5, 1.0, 1e-3, 1e3, 250.0, 1.5, 2.0, -0.25,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN, Double.NaN,
                1.8446744073709552e19, Double.POSITIVE_INFINITY);
    }

    @Test
    void readsBoolsAsProtobufDoes() {
        Message m = layer("propagate_down: true propagate_down: True propagate_down: t propagate_down: 1 "
                + "propagate_down: false propagate_down: False propagate_down: f propagate_down: 0");
        assertThat(m.getBools("propagate_down")).containsExactly(true, true, true, true, false, false, false, false);
    }

    @Test
    void readsEnumsByNameOrNumber() {
        Message pooling = TextFormat.parse("pool: AVE engine: 2", "p", SCHEMA.message("PoolingParameter"));
        assertThat(pooling.getEnum("pool")).isEqualTo("AVE");
        assertThat(pooling.getEnum("engine")).isEqualTo("CUDNN");
        Message v1 = TextFormat.parse("type: 39 blob_share_mode: [STRICT, 1]", "v", SCHEMA.message("V1LayerParameter"));
        assertThat(v1.getEnum("type")).isEqualTo("DECONVOLUTION");
        assertThat(v1.getEnums("blob_share_mode")).containsExactly("STRICT", "PERMISSIVE");
    }

    @Test
    void readsTheSyntaxZooFixture() {
        Message zoo = Fixtures.parseFixture("syntax-zoo.prototxt");
        assertThat(zoo.getString("name")).isEqualTo("zoonet");
        assertThat(zoo.getMessage("input_shape", 0).getLongs("dim")).containsExactly(1L, 3L, 16L, 8L);
        assertThat(zoo.getMessage("input_shape", 1).getLongs("dim")).containsExactly(-1L, Long.MAX_VALUE);
        assertThat(zoo.getBool("force_backward")).isTrue();
        assertThat(zoo.getMessage("state").getStrings("stage")).containsExactly("a\tb", "AB\"'\\?");
        assertThat(zoo.getMessage("state").getEnum("phase")).isEqualTo("TRAIN");
        List<Message> layers = zoo.getMessages("layer");
        assertThat(layers).extracting(l -> l.getString("name")).containsExactly("one", "two", "conv");
        Message conv = layers.get(2).getMessage("convolution_param");
        assertThat(conv.getLong("num_output")).isEqualTo(4294967295L);
        assertThat(conv.getEnum("engine")).isEqualTo("CUDNN");
        assertThat(conv.getBool("bias_term")).isFalse();
        assertThat(conv.has("pad")).isFalse();
        assertThat(layers.get(2).getDoubles("loss_weight")).hasSize(10).endsWith(-0.0);
        assertThat(layers.get(2).getMessage("param", 0).getEnum("share_mode")).isEqualTo("PERMISSIVE");
    }

    @Test
    void readsOldStyleNetsAndSolvers() {
        Message v1 = Fixtures.parseFixture("v1-layers.prototxt");
        assertThat(v1.getMessages("layers")).extracting(l -> l.getEnum("type"))
                .containsExactly("CONVOLUTION", "NONE", "SOFTMAX");
        assertThat(v1.getMessage("layers", 1).getMessage("layer").getEnum("pool")).isEqualTo("AVE");
        Message solver = Fixtures.parseFixture("solver-inline-net.prototxt");
        assertThat(solver.getMessage("net_param").getMessages("layer")).hasSize(1);
        assertThat(solver.getEnum("solver_mode")).isEqualTo("CPU");
        assertThat(solver.getLong("random_seed")).isEqualTo(-1701L);
        assertThat(solver.getDouble("weight_decay")).isEqualTo(5e-4);
    }

    @Test
    void recordsWhereEachValueCameFrom() {
        Message m = net("name: \"n\"\nlayer {\n  name: \"a\"\n  bottom: \"x\" bottom: \"y\"\n}\n");
        assertThat(m.pos()).isEqualTo(new SourcePos("t.prototxt", 1, 1));
        Message layer = m.getMessage("layer", 0);
        assertThat(layer.pos()).isEqualTo(new SourcePos("t.prototxt", 2, 1));
        assertThat(m.pos("layer")).isEqualTo(layer.pos());
        assertThat(layer.pos("name")).isEqualTo(new SourcePos("t.prototxt", 3, 3));
        assertThat(layer.pos("bottom", 1)).isEqualTo(new SourcePos("t.prototxt", 4, 15));
        assertThat(layer.pos("top")).as("absent: the message's own position").isEqualTo(layer.pos());
        assertThat(layer.pos("bottom", 1).toString()).isEqualTo("t.prototxt:4:15");
    }

    private static String str(String literal) {
        return net("name: " + literal).getString("name");
    }
}
