package dev.caffemem.prototxt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Message: proto2 defaults, typed access, mutation, copies and structural equality. */
class MessageTest {

    private static final Schema SCHEMA = Schema.caffe();

    private static Message parse(String type, String text) {
        return TextFormat.parse(text, "m.prototxt", SCHEMA.message(type));
    }

    @Test
    void absentFieldsReadAsTheirDefaults() {
        Message pooling = new Message(SCHEMA.message("PoolingParameter"));
        assertThat(pooling.getLong("stride")).isEqualTo(1);
        assertThat(pooling.getInt("stride")).isEqualTo(1);
        assertThat(pooling.getEnum("pool")).isEqualTo("MAX");
        assertThat(pooling.getInt("kernel_size")).isZero();
        assertThat(pooling.getBool("global_pooling")).isFalse();
        assertThat(pooling.has("stride")).isFalse();
        assertThat(pooling.presentFields()).isEmpty();

        assertThat(new Message(SCHEMA.message("ConvolutionParameter")).getBool("bias_term")).isTrue();
        Message solver = new Message(SCHEMA.message("SolverParameter"));
        assertThat(solver.getDouble("momentum2")).isEqualTo(0.999);
        assertThat(solver.getFloat("momentum2")).isEqualTo(0.999f);
        assertThat(solver.getString("type")).isEqualTo("SGD");
        assertThat(solver.getEnum("solver_mode")).isEqualTo("GPU");
        assertThat(solver.getString("net")).isEmpty();
        assertThat(solver.getLongs("test_iter")).isEmpty();
        assertThat(solver.getMessages("test_state")).isEmpty();
        assertThat(solver.get("delta")).isEqualTo(1e-8);
    }

    @Test
    void absentMessageFieldsReadAsEmptyMessagesThatPointAtTheirParent() {
        Message layer = parse("LayerParameter", "\n  name: \"conv\"");
        Message conv = layer.getMessage("convolution_param");
        assertThat(conv.type().name()).isEqualTo("ConvolutionParameter");
        assertThat(conv.presentFields()).isEmpty();
        assertThat(conv.getLong("group")).isEqualTo(1);
        assertThat(conv.pos()).isEqualTo(layer.pos());
        conv.set("num_output", 3);
        assertThat(layer.has("convolution_param")).as("the default is detached").isFalse();
        assertThat(layer.getMessage("convolution_param").getMessage("weight_filler").getString("type"))
                .isEqualTo("constant");
    }

    @Test
    void setsAndAddsValuesOfEveryKind() {
        Message layer = new Message(SCHEMA.message("LayerParameter"));
        layer.set("name", "a").set("phase", "TEST").add("bottom", "x").add("bottom", "y").add("loss_weight", 1)
                .add("loss_weight", 0.5f).add("propagate_down", true);
        layer.mutableMessage("convolution_param").set("num_output", 64).add("kernel_size", 3L)
                .set("engine", 2);
        layer.addMessage("param").set("lr_mult", 2.0);
        assertThat(layer.getString("name")).isEqualTo("a");
        assertThat(layer.getEnum("phase")).isEqualTo("TEST");
        assertThat(layer.getStrings("bottom")).containsExactly("x", "y");
        assertThat(layer.getString("bottom", 1)).isEqualTo("y");
        assertThat(layer.getDoubles("loss_weight")).containsExactly(1.0, 0.5);
        assertThat(layer.getBools("propagate_down")).containsExactly(true);
        assertThat(layer.getMessage("convolution_param").getLong("num_output")).isEqualTo(64);
        assertThat(layer.getMessage("convolution_param").getInt("kernel_size", 0)).isEqualTo(3);
        assertThat(layer.getMessage("convolution_param").getEnum("engine")).isEqualTo("CUDNN");
        assertThat(layer.getMessage("param", 0).getFloat("lr_mult")).isEqualTo(2f);
        assertThat(layer.presentFields()).containsExactly("name", "phase", "bottom", "loss_weight", "propagate_down",
                "convolution_param", "param");
        assertThat(layer.pos("name")).isNull();

        layer.set("bottom", List.of("z"));
        assertThat(layer.getStrings("bottom")).containsExactly("z");
        layer.clear("phase").set("phase", "TRAIN");
        assertThat(layer.presentFields()).endsWith("phase");
        layer.set("bottom", List.of());
        assertThat(layer.has("bottom")).isFalse();
        assertThat(layer.count("loss_weight")).isEqualTo(2);
        assertThat(layer.values("loss_weight")).containsExactly(1.0, 0.5);
    }

    @Test
    void replacingAParsedValueKeepsItsPosition() {
        Message layer = parse("LayerParameter", "name: \"a\"\ntype: \"Data\"");
        SourcePos typePos = layer.pos("type");
        layer.set("type", "Input");
        assertThat(layer.getString("type")).isEqualTo("Input");
        assertThat(layer.pos("type")).isEqualTo(typePos).isEqualTo(new SourcePos("m.prototxt", 2, 1));
    }

    @Test
    void rejectsProgrammingErrorsWithIllegalArgumentException() {
        Message layer = new Message(SCHEMA.message("LayerParameter"));
        assertThatThrownBy(() -> layer.getString("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Message type \"caffe.LayerParameter\" has no field named \"nope\".");
        assertThatThrownBy(() -> layer.getLong("name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is string, not an integer");
        assertThatThrownBy(() -> layer.getString("bottom")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is repeated");
        assertThatThrownBy(() -> layer.getStrings("name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not repeated");
        assertThatThrownBy(() -> layer.set("name", 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layer.set("phase", "TRIAN")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layer.set("phase", 7)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layer.set("bottom", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layer.add("name", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layer.set("convolution_param", new Message(SCHEMA.message("PoolingParameter"))))
                .isInstanceOf(IllegalArgumentException.class);
        Message conv = layer.mutableMessage("convolution_param");
        assertThatThrownBy(() -> conv.set("num_output", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> conv.set("num_output", 1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> conv.set("num_output", 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> layer.getString("bottom", 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void getIntReportsValuesThatDoNotFitAtTheirPosition() {
        Message conv = parse("ConvolutionParameter", "\n num_output: 3000000000");
        assertThat(conv.getLong("num_output")).isEqualTo(3_000_000_000L);
        assertThatThrownBy(() -> conv.getInt("num_output")).isInstanceOf(PrototxtException.class)
                .hasMessage("m.prototxt:2:2: value 3000000000 of field \"num_output\" does not fit in a 32-bit int");
    }

    @Test
    void copiesDeeplyAndComparesStructurally() {
        Message net = Fixtures.parseFixture("small-net.prototxt");
        Message copy = net.copy();
        assertThat(copy).isEqualTo(net).hasSameHashCodeAs(net).isNotSameAs(net);
        assertThat(copy.getMessage("layer", 1).pos("name")).isEqualTo(net.getMessage("layer", 1).pos("name"));
        copy.getMessage("layer", 1).getMessage("convolution_param").set("num_output", 21);
        assertThat(net.getMessage("layer", 1).getMessage("convolution_param").getLong("num_output")).isEqualTo(20);
        assertThat(copy).isNotEqualTo(net);

        // Field order and positions do not matter; value order within a repeated field does.
        Message a = parse("LayerParameter", "name: \"x\" bottom: \"a\" bottom: \"b\"");
        Message b = parse("LayerParameter", "\n\nbottom: \"a\" bottom: \"b\" name: \"x\"");
        Message c = parse("LayerParameter", "name: \"x\" bottom: \"b\" bottom: \"a\"");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
        assertThat(parse("LayerParameter", "transform_param {}"))
                .as("an empty sub-message is present").isNotEqualTo(parse("LayerParameter", ""));
    }

    @Test
    void printsItselfForDebugging() {
        Message layer = parse("LayerParameter", "name: \"x\"");
        assertThat(layer.toString()).isEqualTo("caffe.LayerParameter {\n  name: \"x\"\n}");
    }
}
