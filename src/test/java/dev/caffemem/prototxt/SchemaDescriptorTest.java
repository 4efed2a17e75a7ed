package dev.caffemem.prototxt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.probe.CaffeProto;
import dev.caffemem.probe.CaffeProtoReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * caffe-1.0.schema against Caffe's own caffe.proto: the descriptor compiled into the libcaffe the
 * probe loads, read in a child JVM. Any disagreement on any field of any message fails the first
 * test, which prints each one with the line the schema should have.
 */
class SchemaDescriptorTest {

    private static CaffeProto caffe;

    @BeforeAll
    static void readCaffesDescriptor() {
        caffe = CaffeProtoReader.read(Duration.ofMinutes(2));
    }

    @Test
    void caffeSchemaAgreesWithLibcaffesDescriptorOnEveryMessageFieldAndEnum() {
        List<SchemaDiff.Finding> findings = SchemaDiff.compare(Schema.load(List.of(Schema.CAFFE_RESOURCE)), caffe);
        assertThat(findings).as("caffe-1.0.schema vs libcaffe's caffe.proto:%n  %s",
                String.join("\n  ", findings.stream().map(SchemaDiff.Finding::toString).toList())).isEmpty();
    }

    @Test
    void descriptorIsCaffeProtoOfCaffe10() {
        assertThat(caffe.file()).isEqualTo("caffe.proto");
        assertThat(caffe.packageName()).isEqualTo("caffe");
        assertThat(caffe.syntax()).isEqualTo("proto2");
        // the same counts SchemaTest holds the transcription to, found here in the library itself
        assertThat(caffe.messages()).hasSize(61);
        int enums = caffe.enums().size();
        int fields = 0;
        for (CaffeProto.MessageInfo m : caffe.messages()) {
            enums += m.enums().size();
            fields += m.fields().size();
        }
        assertThat(enums).isEqualTo(25);
        assertThat(fields).isEqualTo(416);
        CaffeProto.FieldInfo pool = caffe.messages().stream().filter(m -> m.fullName().equals("caffe.PoolingParameter"))
                .findFirst().orElseThrow().fields().get(0);
        assertThat(pool).isEqualTo(new CaffeProto.FieldInfo("pool", 1, "optional", "enum",
                "caffe.PoolingParameter.PoolMethod", true, "MAX", false, null));
    }

    @Test
    void layeredCaffeSchemaOnlyAddsToCaffe10() {
        // whatever overlays Schema.caffe() carries, everything Caffe 1.0 declares is there unchanged
        assertThat(SchemaDiff.compare(Schema.caffe(), caffe)).allSatisfy(f -> assertThat(f.kind())
                .as(f.toString()).isEqualTo(SchemaDiff.Kind.EXTRA));
    }

    @Test
    void namesEachKindOfDisagreementPrecisely() {
        assertFinding("  optional uint32 prefetch = 10 [default=4]", "  optional uint32 prefetch = 11 [default=4]",
                "DIFFERENT caffe.DataParameter.prefetch: number: schema 11, Caffe 10; "
                        + "Caffe: \"optional uint32 prefetch = 10 [default=4]\"");
        assertFinding("  optional float dropout_ratio = 1 [default=0.5]", "  optional float dropout_ratio = 1 [default=0.4]",
                "DIFFERENT caffe.DropoutParameter.dropout_ratio: default: schema 0.4, Caffe 0.5; "
                        + "Caffe: \"optional float dropout_ratio = 1 [default=0.5]\"");
        assertFinding("  repeated uint32 stride = 6", "  optional uint32 stride = 6",
                "DIFFERENT caffe.ConvolutionParameter.stride: label: schema optional, Caffe repeated; "
                        + "Caffe: \"repeated uint32 stride = 6\"");
        assertFinding("  optional int32 axis = 3\n", "  optional int64 axis = 3\n",
                "DIFFERENT caffe.ArgMaxParameter.axis: type: schema int64, Caffe int32; "
                        + "Caffe: \"optional int32 axis = 3\"");
        assertFinding("  optional PoolMethod pool = 2 [default=MAX]", "  optional PoolingParameter.PoolMethod pool = 2 [default=MAX]",
                "DIFFERENT caffe.SPPParameter.pool: type name: schema caffe.PoolingParameter.PoolMethod, "
                        + "Caffe caffe.SPPParameter.PoolMethod; Caffe: \"optional PoolMethod pool = 2 [default=MAX]\"");
        assertFinding("  repeated float data = 5 [packed]", "  repeated float data = 5",
                "DIFFERENT caffe.BlobProto.data: packed: schema false, Caffe true; Caffe: \"repeated float data = 5 [packed]\"");
        assertFinding("enum DB LEVELDB=0 LMDB=1", "enum DB LEVELDB=0",
                "DIFFERENT caffe.DataParameter.DB: values: schema [LEVELDB=0], Caffe [LEVELDB=0, LMDB=1]");
        assertFinding("  optional int32 tiles = 2\n", "  optional int32 tiles = 2\n  optional int32 copies = 3\n",
                "EXTRA caffe.TileParameter.copies: in the schema (number 3), not in Caffe's caffe.proto");
        assertFinding("  optional float margin = 1 [default=1.0]\n  optional bool legacy_version = 2 [default=false]",
                "  optional bool legacy_version = 2 [default=false]\n  optional float margin = 1 [default=1.0]",
                "DIFFERENT caffe.ContrastiveLossParameter: field order: schema [legacy_version, margin], "
                        + "Caffe [margin, legacy_version]");
        assertFinding("  optional float clip_gradients = 35 [default=-1]\n", "",
                "MISSING caffe.SolverParameter.clip_gradients: not in the schema; "
                        + "Caffe: \"optional float clip_gradients = 35 [default=-1.0]\"");
        assertFinding("""
                message Datum
                  optional int32 channels = 1
                  optional int32 height = 2
                  optional int32 width = 3
                  optional bytes data = 4
                  optional int32 label = 5
                  repeated float float_data = 6
                  optional bool encoded = 7 [default=false]
                """, "", "MISSING caffe.Datum: not in the schema; Caffe: \"message Datum\", \"  optional int32 channels = 1\", "
                        + "\"  optional int32 height = 2\", \"  optional int32 width = 3\", \"  optional bytes data = 4\", "
                        + "\"  optional int32 label = 5\", \"  repeated float float_data = 6\", "
                        + "\"  optional bool encoded = 7 [default=false]\"");
    }

    @Test
    void comparesFloatDefaultsAtTheFloatCaffeStores() {
        // 0.999 and 0.99900000001 are different doubles but the same float, which is what Caffe keeps
        String text = caffeText().replace("optional float momentum2 = 39 [default=0.999]",
                "optional float momentum2 = 39 [default=0.99900000001]");
        assertThat(SchemaDiff.compare(Schema.fromText(text, "mutated"), caffe)).isEmpty();
    }

    /** Changes the schema text in one place and expects exactly one finding. */
    private static void assertFinding(String original, String replacement, String expected) {
        String text = caffeText();
        assertThat(text).as("the mutation's anchor occurs once").containsOnlyOnce(original);
        List<SchemaDiff.Finding> findings = SchemaDiff.compare(Schema.fromText(text.replace(original, replacement), "mutated"), caffe);
        assertThat(findings).extracting(SchemaDiff.Finding::toString).containsExactly(expected);
    }

    private static String caffeText() {
        try (InputStream in = Schema.class.getResourceAsStream(Schema.CAFFE_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
