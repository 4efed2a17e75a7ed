package dev.caffemem.prototxt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Overlays on Caffe 1.0's schema, with the made-up fork of {@code made-up-fork.schema}: what they
 * add, that the base stays as it is, that prototxt errors keep their line:column, and that an
 * overlay which would change the base is refused with the line that tries.
 */
class SchemaOverlayTest {

    private static final String FIXTURE = "made-up-fork.schema";
    private final Schema base = Schema.load(List.of(Schema.CAFFE_RESOURCE));
    private final Schema layered = Schema.load(List.of(Schema.CAFFE_RESOURCE, FIXTURE));

    @Test
    void addsMessagesEnumsAndFieldsAfterTheBaseOnes() {
        MessageType layer = layered.message("LayerParameter");
        List<FieldDef> baseFields = base.message("LayerParameter").fields();
        assertThat(layer.fields()).hasSize(baseFields.size() + 2);
        assertThat(layer.fields().subList(0, baseFields.size())).extracting(FieldDef::name, FieldDef::number)
                .containsExactlyElementsOf(baseFields.stream()
                        .map(f -> org.assertj.core.groups.Tuple.tuple(f.name(), f.number())).toList());
        FieldDef glow = layer.field("glow_param");
        assertThat(glow.number()).isEqualTo(999);
        assertThat(glow.messageType()).isSameAs(layered.message("GlowParameter"));
        FieldDef mode = layer.field("glow_mode");
        assertThat(mode.enumType().fullName()).isEqualTo("caffe.LayerParameter.GlowMode");
        assertThat(mode.defaultValue()).isEqualTo("HARD");

        MessageType param = layered.message("GlowParameter");
        assertThat(param.fullName()).isEqualTo("caffe.GlowParameter");
        assertThat(param.field("radius").defaultValue()).isEqualTo(2.5);
        assertThat(param.field("shade").enumType()).isSameAs(layered.enumType("Shade"));
        assertThat(param.field("shade").defaultValue()).isEqualTo("DARK");
        assertThat(param.field("filler").messageType()).isSameAs(layered.message("FillerParameter"));
        assertThat(param.field("ring").packed()).isTrue();

        assertThat(layered.messages()).hasSize(base.messages().size() + 1);
        assertThat(layered.enums()).hasSize(base.enums().size() + 2)
                .extracting(EnumType::fullName).contains("caffe.Shade", "caffe.LayerParameter.GlowMode");
        assertThat(layered.sources()).containsExactly("BVLC/caffe 1.0 src/caffe/proto/caffe.proto",
                "example/made-up-fork master src/caffe/proto/caffe.proto (a test fixture, not a real fork)");
    }

    @Test
    void leavesTheSharedCaffeSchemaAlone() {
        Schema shared = Schema.caffe();
        assertThat(shared.message("LayerParameter").field("glow_param")).isNull();
        assertThatThrownBy(() -> shared.message("GlowParameter")).isInstanceOf(IllegalArgumentException.class);
        assertThat(base.sources()).containsExactly("BVLC/caffe 1.0 src/caffe/proto/caffe.proto");
        // the forks' overlays, each citing its fork's proto file (docs/forks.md)
        assertThat(shared.sources()).hasSize(4).first().isEqualTo("BVLC/caffe 1.0 src/caffe/proto/caffe.proto");
        assertThat(shared.sources().subList(1, 4)).allSatisfy(s -> assertThat(s).contains("src/caffe/proto/caffe.proto"))
                .extracting(s -> s.substring(0, s.indexOf(' ')))
                .containsExactly("weiliu89/caffe", "rbgirshick/caffe-fast-rcnn", "hszhao/PSPNet");
    }

    @Test
    void aForkNumberThatCaffe10TookIsAcceptedOnlyWhenTheOverlayNamesTheField() {
        String base = "package t\nsource base\nmessage M\n  optional int32 x = 1\n";
        Schema s = Schema.fromTexts(List.of(base, "source f\nextend M\n  optional int32 y = 1 [clashes=x]\n"),
                List.of("base", "fork"));
        assertThat(s.message("M").field("y").number()).isEqualTo(1);
        assertThat(s.message("M").fieldByNumber(1).name()).isEqualTo("x");
        assertLayerError(base, "source f\nextend M\n  optional int32 y = 1 [clashes=z]\n",
                "fork:3: M.y says it clashes with z, but number 1 is field x's");
        assertLayerError(base, "source f\nextend M\n  optional int32 y = 2 [clashes=x]\n",
                "fork:3: M.y says it clashes with x, but number 2 is free");
        assertThatThrownBy(() -> Schema.fromText("message M\n  optional int32 x = 1\n  optional int32 y = 1 [clashes=x]\n",
                "b").message("M").fields()).isInstanceOf(IllegalStateException.class)
                .hasMessage("b:3: \"clashes\" belongs in an overlay (a fork's number a layer below took)");
        // the real ones: forks of an older Caffe whose numbers Caffe 1.0 later gave to other fields
        MessageType layer = Schema.caffe().message("LayerParameter");
        assertThat(layer.field("interp_param").number()).isEqualTo(layer.field("input_param").number());
        MessageType solver = Schema.caffe().message("SolverParameter");
        assertThat(solver.field("eval_type").number()).isEqualTo(solver.field("layer_wise_reduce").number());
    }

    @Test
    void parsesAForkNetWithTheOverlayAndKeepsLineColumnErrorsWithout() {
        String net = """
                name: "fork"
                layer {
                  name: "g"
                  type: "Glow"
                  glow_param { radius: 3 shade: LIGHT filler { type: "gaussian" } ring: 1 ring: 2 }
                  glow_mode: SOFT
                }
                """;
        Message parsed = TextFormat.parse(net, "fork.prototxt", layered.message("NetParameter"));
        Message layer = parsed.getMessage("layer", 0);
        assertThat(layer.getMessage("glow_param").getDouble("radius")).isEqualTo(3.0);
        assertThat(layer.getMessage("glow_param").getEnum("shade")).isEqualTo("LIGHT");
        assertThat(layer.getMessage("glow_param").getLongs("ring")).containsExactly(1L, 2L);
        assertThat(layer.getMessage("glow_param").getMessage("filler").getString("type")).isEqualTo("gaussian");
        assertThat(layer.getEnum("glow_mode")).isEqualTo("SOFT");
        assertThat(layer.pos("glow_mode").toString()).isEqualTo("fork.prototxt:6:3");
        assertThat(TextFormat.print(parsed)).contains("glow_mode: SOFT");

        assertThatThrownBy(() -> TextFormat.parse(net, "fork.prototxt", base.message("NetParameter")))
                .isInstanceOf(PrototxtException.class)
                .hasMessage("fork.prototxt:5:3: Message type \"caffe.LayerParameter\" has no field named \"glow_param\".");
    }

    @Test
    void refusesOverlaysThatWouldChangeTheBase() {
        String base = "package t\nsource base\nenum E A=0\nmessage M\n  optional int32 x = 1\n  enum Inner P=0\n";
        assertLayerError(base, "package t\nmessage N\n  optional int32 y = 1\n",
                "fork:3: an overlay must cite the fork's proto file on a \"source\" line");
        assertLayerError(base, "source f\nmessage M\n  optional int32 y = 2\n",
                "fork:2: message M declared twice (\"extend M\" adds fields to it)");
        assertLayerError(base, "source f\nextend Nope\n  optional int32 y = 2\n",
                "fork:2: cannot extend \"Nope\": no such message above this line");
        assertLayerError(base, "source f\npackage u\n", "fork:2: package u differs from the base schema's t");
        assertLayerError(base, "source f\nenum E B=1\n", "fork:2: enum E declared twice");
        assertLayerError(base, "source f\nextend M\n  enum Inner Q=1\n", "fork:3: enum M.Inner declared twice");
        assertLayerError(base, "source f\n\nextend M\n  optional int64 x = 7\n", "fork:4: M declares field x twice");
        assertLayerError(base, "source f\nextend M\n  optional int32 y = 2\n  optional string z = 1\n",
                "fork:4: M.z reuses number 1 of field x");
        assertLayerError(base, "source f\nextend M\n  optional Missing y = 2\n", "fork:3: unknown type \"Missing\"");
        assertThatThrownBy(() -> Schema.fromText("message M\n  optional int32 x = 1\nextend M\n  optional int32 y = 2\n", "b"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("b:3: \"extend\" belongs in an overlay; the base schema declares its messages whole");
    }

    @Test
    void resolvesAnOverlaysTypesByProtobufScoping() {
        Schema s = Schema.fromTexts(List.of(
                "package t\nsource base\nenum Mode A=0 B=1\nmessage M\n  optional int32 x = 1\n",
                "source fork\nextend M\n  enum Mode C=0 D=1\n  optional Mode m = 2 [default=D]\n  optional N n = 3\n"
                        + "message N\n  optional Mode top = 1 [default=B]\n  optional M.Mode nested = 2\n"),
                List.of("base", "fork"));
        assertThat(s.message("M").field("m").enumType().fullName()).isEqualTo("t.M.Mode");
        assertThat(s.message("M").field("n").messageType()).isSameAs(s.message("N"));
        assertThat(s.message("N").field("top").enumType().fullName()).isEqualTo("t.Mode");
        assertThat(s.message("N").field("nested").defaultValue()).isEqualTo("C");
        assertThat(s.enums()).extracting(EnumType::fullName).containsExactly("t.Mode", "t.M.Mode");
    }

    private static void assertLayerError(String base, String overlay, String message) {
        assertThatThrownBy(() -> {
            Schema s = Schema.fromTexts(List.of(base, overlay), List.of("base", "fork"));
            s.messages().forEach(MessageType::fields);
            s.enums();
        }).isInstanceOf(IllegalStateException.class).hasMessage(message);
    }
}
