package dev.caffemem.prototxt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The transcription of Caffe 1.0's caffe.proto (the base alone, without the forks' overlays), and the line format. */
class SchemaTest {

    private final Schema schema = Schema.load(java.util.List.of(Schema.CAFFE_RESOURCE));

    @Test
    void holdsEveryMessageAndEnumOfCaffeProto() {
        // Counted in caffe.proto at tag 1.0: 61 messages, 25 enums, 416 fields.
        assertThat(schema.messages()).hasSize(61);
        assertThat(schema.enums()).hasSize(25);
        int fields = 0;
        for (MessageType type : schema.messages()) {
            fields += type.fields().size();
        }
        assertThat(fields).isEqualTo(416);
        assertThat(schema.messages()).extracting(MessageType::name).contains("NetParameter", "LayerParameter",
                "V1LayerParameter", "V0LayerParameter", "SolverParameter", "SolverState", "NetState",
                "NetStateRule", "ParamSpec", "BlobShape", "BlobProto", "BlobProtoVector", "Datum",
                "FillerParameter", "TransformationParameter", "LossParameter", "PReLUParameter",
                "WindowDataParameter", "SPPParameter", "RecurrentParameter");
    }

    @Test
    void fieldNumbersAndNamesAreUniqueWithinEachMessage() {
        for (MessageType type : schema.messages()) {
            Set<Integer> numbers = new HashSet<>();
            for (FieldDef field : type.fields()) {
                assertThat(numbers.add(field.number())).as(type.name() + "." + field.name()).isTrue();
                assertThat(type.field(field.name())).isSameAs(field);
                assertThat(type.fieldByNumber(field.number())).isSameAs(field);
            }
        }
    }

    @Test
    void transcribesLabelsTypesAndNumbers() {
        MessageType layer = schema.message("LayerParameter");
        assertThat(layer.fields()).hasSize(58);
        assertThat(layer.fullName()).isEqualTo("caffe.LayerParameter");
        assertThat(layer.field("bottom").repeated()).isTrue();
        assertThat(layer.field("bottom").number()).isEqualTo(3);
        assertThat(layer.field("name").repeated()).isFalse();
        assertThat(layer.field("recurrent_param").number()).isEqualTo(146);
        assertThat(layer.field("recurrent_param").messageType().name()).isEqualTo("RecurrentParameter");
        assertThat(layer.field("phase").enumType()).isSameAs(schema.enumType("Phase"));
        assertThat(layer.field("foo")).isNull();

        FieldDef dim = schema.message("BlobShape").field("dim");
        assertThat(dim.kind()).isEqualTo(FieldKind.INT64);
        assertThat(dim.packed()).isTrue();
        assertThat(schema.message("BlobProto").fields()).filteredOn(FieldDef::packed)
                .extracting(FieldDef::name).containsExactly("data", "diff", "double_data", "double_diff");
        assertThat(schema.message("Datum").field("data").kind()).isEqualTo(FieldKind.BYTES);
        assertThat(schema.message("ConvolutionParameter").field("num_output").kind()).isEqualTo(FieldKind.UINT32);
        assertThat(schema.message("SolverParameter").field("random_seed").kind()).isEqualTo(FieldKind.INT64);
        assertThat(schema.message("V1LayerParameter").field("param").number()).isEqualTo(1001);
        assertThat(schema.message("V1LayerParameter").field("layer").messageType().name())
                .isEqualTo("V0LayerParameter");
        assertThat(schema.message("V0LayerParameter").fields()).hasSize(38);
        assertThat(schema.message("NetParameter").field("layer").number()).isEqualTo(100);
    }

    @Test
    void scopesNestedEnumsByTheirMessage() {
        FieldDef pool = schema.message("PoolingParameter").field("pool");
        assertThat(pool.typeName()).isEqualTo("PoolingParameter.PoolMethod");
        assertThat(pool.enumType().fullName()).isEqualTo("caffe.PoolingParameter.PoolMethod");
        assertThat(schema.message("SPPParameter").field("pool").enumType())
                .isNotSameAs(pool.enumType()).isSameAs(schema.enumType("SPPParameter.PoolMethod"));
        // ParamSpec uses DimCheckMode before declaring it; V1LayerParameter has its own.
        assertThat(schema.message("ParamSpec").field("share_mode").typeName()).isEqualTo("ParamSpec.DimCheckMode");
        assertThat(schema.message("V1LayerParameter").field("blob_share_mode").typeName())
                .isEqualTo("V1LayerParameter.DimCheckMode");

        EnumType layerType = schema.enumType("caffe.V1LayerParameter.LayerType");
        assertThat(layerType.valueNames()).hasSize(40).startsWith("NONE", "ABSVAL", "ACCURACY");
        assertThat(layerType.number("DECONVOLUTION")).isEqualTo(39);
        assertThat(layerType.valueName(17)).isEqualTo("POOLING");
        assertThat(layerType.number("NOPE")).isNull();
        assertThat(layerType.valueName(99)).isNull();
        assertThat(schema.enumType("Phase").valueNames()).containsExactly("TRAIN", "TEST");
    }

    @Test
    void carriesProto2Defaults() {
        assertDefault("PoolingParameter", "stride", 1L);
        assertDefault("PoolingParameter", "pool", "MAX");
        assertDefault("PoolingParameter", "kernel_size", 0L);
        assertDefault("LRNParameter", "local_size", 5L);
        assertDefault("LRNParameter", "alpha", 1.0);
        assertDefault("LRNParameter", "beta", 0.75);
        assertDefault("DropoutParameter", "dropout_ratio", 0.5);
        assertDefault("ConvolutionParameter", "bias_term", true);
        assertDefault("ConvolutionParameter", "group", 1L);
        assertDefault("ConvolutionParameter", "engine", "DEFAULT");
        assertDefault("DataParameter", "prefetch", 4L);
        assertDefault("DataParameter", "backend", "LEVELDB");
        assertDefault("SolverParameter", "test_initialization", true);
        assertDefault("SolverParameter", "momentum2", 0.999);
        assertDefault("SolverParameter", "delta", 1e-8);
        assertDefault("SolverParameter", "rms_decay", 0.99);
        assertDefault("SolverParameter", "type", "SGD");
        assertDefault("SolverParameter", "regularization_type", "L2");
        assertDefault("SolverParameter", "iter_size", 1L);
        assertDefault("SolverParameter", "solver_mode", "GPU");
        assertDefault("SolverParameter", "snapshot_format", "BINARYPROTO");
        assertDefault("SolverParameter", "random_seed", -1L);
        assertDefault("SolverParameter", "clip_gradients", -1.0);
        assertDefault("SolverParameter", "base_lr", 0.0);
        assertDefault("SolverParameter", "lr_policy", "");
        assertDefault("NetState", "phase", "TEST");
        assertDefault("NetStateRule", "phase", "TRAIN"); // no default: the first value
        assertDefault("FillerParameter", "type", "constant");
        assertDefault("FillerParameter", "std", 1.0);
        assertDefault("FillerParameter", "sparse", -1L);
        assertDefault("BatchNormParameter", "moving_average_fraction", 0.999);
        assertDefault("BatchNormParameter", "eps", 1e-5);
        assertDefault("MVNParameter", "eps", 1e-9);
        assertDefault("HingeLossParameter", "norm", "L1"); // L1 = 1 is the first value
        assertDefault("ReductionParameter", "operation", "SUM");
        assertDefault("ReshapeParameter", "num_axes", -1L);
        assertDefault("FlattenParameter", "end_axis", -1L);
        assertDefault("ExpParameter", "base", -1.0);
        assertDefault("WindowDataParameter", "crop_mode", "warp");
        assertDefault("PythonParameter", "param_str", "");
        assertDefault("V0LayerParameter", "det_crop_mode", "warp");
        assertDefault("V0LayerParameter", "k", 1.0);
        assertDefault("LossParameter", "normalization", "VALID");
        assertDefault("CropParameter", "axis", 2L);
        assertThat(schema.message("NetParameter").field("layer").defaultValue()).isNull();
        assertThat(schema.message("LayerParameter").field("convolution_param").defaultValue()).isNull();
    }

    @Test
    void declaresAsManyDefaultsAsCaffeProto() {
        // caffe.proto 1.0 has 183 "[default = ...]" options outside comments; each is one "default=" here.
        String text = schemaText();
        int count = 0;
        for (int i = text.indexOf("[default="); i >= 0; i = text.indexOf("[default=", i + 1)) {
            count++;
        }
        assertThat(count).isEqualTo(183);
    }

    @Test
    void looksUpByNameWithOrWithoutPackage() {
        assertThat(schema.message("caffe.NetParameter")).isSameAs(schema.message("NetParameter"));
        assertThat(Schema.caffe()).isSameAs(Schema.caffe());
        assertThat(schema.packageName()).isEqualTo("caffe");
        assertThatThrownBy(() -> schema.message("Nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Nope");
        assertThatThrownBy(() -> schema.enumType("PoolMethod")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsTheLineFormatWithForwardReferencesAndScoping() {
        Schema small = Schema.fromText("""
                # a test schema
                package t
                enum Color RED=0 GREEN=1
                message A
                  optional Color color = 1 [default=GREEN]
                  optional Shade shade = 2
                  enum Shade DARK=3 LIGHT=4
                  repeated B children = 3
                  optional string label = 4 [default="a, \\"b\\""]
                  repeated int32 values = 5 [packed]
                message B
                  optional A parent = 1
                  optional A.Shade borrowed = 2
                """, "small.schema");
        MessageType a = small.message("A");
        assertThat(a.field("color").defaultValue()).isEqualTo("GREEN");
        assertThat(a.field("shade").typeName()).isEqualTo("A.Shade");
        assertThat(a.field("shade").defaultValue()).isEqualTo("DARK");
        assertThat(a.field("children").messageType()).isSameAs(small.message("B"));
        assertThat(a.field("label").defaultValue()).isEqualTo("a, \"b\"");
        assertThat(a.field("values").packed()).isTrue();
        assertThat(small.message("B").field("borrowed").enumType()).isSameAs(small.enumType("A.Shade"));
        assertThat(small.enums()).extracting(EnumType::fullName).containsExactly("t.Color", "t.A.Shade");
    }

    @Test
    void reportsMalformedSchemaLines() {
        assertSchemaError("message A\n  optional Nope x = 1\n", "s:2: unknown type \"Nope\"");
        assertSchemaError("message A\n  optional int32 x 1\n", "s:2: expected \"<label> <type> <name> = <number>\"");
        assertSchemaError("message A\n  optional int32 x = 1 [default=abc]\n", "s:2: field x: bad int32 default \"abc\"");
        assertSchemaError("message A\n  optional int32 x = 1 [default=5000000000]\n", "s:2: field x: bad int32 default");
        assertSchemaError("message A\n  repeated int32 x = 1 [default=1]\n", "s:2: field x cannot have a default");
        assertSchemaError("message A\n  optional string x = 1 [packed]\n", "s:2: field x cannot be packed");
        assertSchemaError("  optional int32 x = 1\n", "s:1: indented line outside a message");
        assertSchemaError("service A\n", "s:1: unknown declaration \"service\"");
        assertSchemaError("enum E A=0 A=1\n", "s:1: enum E repeats A");
        assertSchemaError("message A\n  optional int32 x = 1\n  optional int32 x = 2\n", "A declares field x twice");
    }

    @Test
    void indexesTheWholeCaffeSchemaFromText() throws IOException {
        byte[] text;
        try (InputStream in = Schema.class.getResourceAsStream("caffe-1.0.schema")) {
            text = in.readAllBytes();
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            Schema.fromText(new String(text, java.nio.charset.StandardCharsets.UTF_8), "caffe");
            best = Math.min(best, System.nanoTime() - start);
        }
        // timing is printed for information only; speed is checked by scripts/bench-estimate.sh, not here
        System.out.printf("schema index: best of 20 %.2f ms%n", best / 1e6);
        assertThat(Schema.fromText(new String(text, java.nio.charset.StandardCharsets.UTF_8), "caffe")
                .message("LayerParameter").field("convolution_param")).isNotNull();
    }

    private static String schemaText() {
        try (InputStream in = Schema.class.getResourceAsStream("caffe-1.0.schema")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void assertDefault(String message, String field, Object expected) {
        assertThat(schema.message(message).field(field).defaultValue()).as(message + "." + field).isEqualTo(expected);
    }

    private static void assertSchemaError(String text, String message) {
        assertThatThrownBy(() -> {
            Schema s = Schema.fromText(text, "s");
            s.messages().forEach(MessageType::fields);
            s.enums();
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining(message);
    }
}
