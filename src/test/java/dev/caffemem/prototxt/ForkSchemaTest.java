package dev.caffemem.prototxt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The forks' overlays in {@link Schema#caffe()} (ssd.schema, fast-rcnn.schema, pspnet.schema): every line reads,
 * the base's fields keep their numbers, the forks' published nets parse, and their errors keep line and column.
 */
class ForkSchemaTest {
    private static final Path FORKS = Path.of("src/test/resources/dev/caffemem/forks");
    private final Schema schema = Schema.caffe();

    @Test
    void everyOverlayLineReadsAndOnlyAddsToCaffe10() {
        Schema base = Schema.load(List.of(Schema.CAFFE_RESOURCE));
        schema.messages().forEach(MessageType::fields);
        assertThat(schema.enums()).hasSize(base.enums().size() + 12);
        assertThat(schema.messages()).hasSize(base.messages().size() + 29);
        for (MessageType m : base.messages()) {
            MessageType layered = schema.message(m.name());
            assertThat(layered.fields().subList(0, m.fields().size())).extracting(FieldDef::name, FieldDef::number)
                    .as(m.name()).containsExactlyElementsOf(m.fields().stream()
                            .map(f -> org.assertj.core.groups.Tuple.tuple(f.name(), f.number())).toList());
        }
        MessageType layer = schema.message("LayerParameter");
        assertThat(layer.field("permute_param").number()).isEqualTo(202);
        assertThat(layer.field("roi_pooling_param").number()).isEqualTo(8266711);
        assertThat(schema.message("TransformationParameter").field("expand_param").messageType().name())
                .isEqualTo("ExpansionParameter");
        assertThat(schema.message("DetectionOutputParameter").field("code_type").enumType().fullName())
                .isEqualTo("caffe.PriorBoxParameter.CodeType");
        assertThat(schema.message("DetectionOutputParameter").field("code_type").defaultValue()).isEqualTo("CORNER");
        assertThat(schema.message("PriorBoxParameter").field("flip").defaultValue()).isEqualTo(true);
        assertThat(schema.message("MultiBoxLossParameter").field("mining_type").defaultValue()).isEqualTo("MAX_NEGATIVE");
        assertThat(schema.message("DropoutParameter").field("scale_train").defaultValue()).isEqualTo(true);
        assertThat(schema.message("InterpParameter").field("zoom_factor").defaultValue()).isEqualTo(1L);
    }

    @Test
    void theForksNetsAndSolversParse() throws Exception {
        MessageType net = schema.message("NetParameter");
        for (String file : List.of("mobilenet-ssd-deploy.prototxt", "mobilenet-ssd-train.prototxt",
                "faster-rcnn-vgg16-train.prototxt", "faster-rcnn-vgg16-test.prototxt")) {
            Message parsed = TextFormat.parse(FORKS.resolve(file), net);
            // what is printed reads back the same
            assertThat(TextFormat.parse(TextFormat.print(parsed), file, net)).as(file).isEqualTo(parsed);
        }
        Message solver = TextFormat.parse(FORKS.resolve("mobilenet-ssd-solver.prototxt"), schema.message("SolverParameter"));
        assertThat(solver.getString("eval_type")).isEqualTo("detection");
        assertThat(solver.getString("ap_version")).isEqualTo("11point");
        Message train = TextFormat.parse(FORKS.resolve("mobilenet-ssd-train.prototxt"), net);
        Message transform = train.getMessage("layer", 0).getMessage("transform_param");
        assertThat(transform.getMessage("expand_param").getDouble("max_expand_ratio")).isEqualTo(4.0);
        assertThat(transform.getMessage("resize_param").getEnums("interp_mode")).hasSize(5).first().isEqualTo("LINEAR");
        assertThat(train.getMessage("layer", 0).getMessage("annotated_data_param").getMessages("batch_sampler")).hasSize(7);
    }

    @Test
    void aForkNetsMistakesKeepTheirLineAndColumn() throws Exception {
        String text = Files.readString(FORKS.resolve("mobilenet-ssd-deploy.prototxt")).replace("    min_size: 60.0\n",
                "    min_sizes: 60.0\n");
        int line = (int) text.substring(0, text.indexOf("min_sizes")).chars().filter(c -> c == '\n').count() + 1;
        assertThatThrownBy(() -> TextFormat.parse(text, "deploy.prototxt", schema.message("NetParameter")))
                .isInstanceOf(PrototxtException.class)
                .hasMessage("deploy.prototxt:" + line + ":5: Message type \"caffe.PriorBoxParameter\" has no field named"
                        + " \"min_sizes\".");
        String badEnum = "layer { name: 'd' type: 'DetectionOutput'\n  detection_output_param { code_type: MIDDLE } }";
        assertThatThrownBy(() -> TextFormat.parse(badEnum, "n.prototxt", schema.message("NetParameter")))
                .hasMessageStartingWith("n.prototxt:2:39: ");
        // caffe-fast-rcnn's layer fields, and PSPNet's interp_param under its own number's other name
        Message rcnn = TextFormat.parse("layer { roi_pooling_param { pooled_h: 7 pooled_w: 7 spatial_scale: 0.0625 } "
                + "smooth_l1_loss_param { sigma: 3 } interp_param { zoom_factor: 8 } input_param { shape { dim: 1 } } }",
                "f.prototxt", schema.message("NetParameter"));
        assertThat(rcnn.getMessage("layer", 0).getMessage("roi_pooling_param").getLong("pooled_h")).isEqualTo(7);
        assertThat(rcnn.getMessage("layer", 0).getMessage("interp_param").getLong("zoom_factor")).isEqualTo(8);
    }

    @Test
    void aLenientParseSkipsWhatItDoesNotKnowAndRecordsItOnce() {
        UnknownFields unknown = new UnknownFields();
        Message net = TextFormat.parse("""
                name: "n"
                future_field: 3
                layer { name: "a" type: "X" future_param { a: [1, 2] b { c: "x" 'y' } d: -1.5e3 e: ENUMVAL } }
                layer { name: "b" future_param < a: 1 >; mirror: true }
                """, "n.prototxt", schema.message("NetParameter"), unknown);
        assertThat(net.getMessages("layer")).extracting(m -> m.getString("name")).containsExactly("a", "b");
        assertThat(unknown.entries()).extracting(UnknownFields.Entry::toString).containsExactly(
                "caffe.NetParameter.future_field (first at n.prototxt:2:1)",
                "caffe.LayerParameter.future_param (first at n.prototxt:3:29, 2 times)",
                "caffe.LayerParameter.mirror (first at n.prototxt:4:42)");
        assertThatThrownBy(() -> TextFormat.parse("layer { future { a: } }", "m.prototxt", schema.message("NetParameter"),
                new UnknownFields())).isInstanceOf(PrototxtException.class).hasMessage("m.prototxt:1:21: expected a value"
                        + " for field \"a\", found \"}\"");
        assertThatThrownBy(() -> TextFormat.parse("layer { future { a: 1 ", "m.prototxt", schema.message("NetParameter"),
                new UnknownFields())).hasMessageStartingWith("m.prototxt:1:23: expected a field name or \"}\"");
    }
}
