package dev.caffemem.prototxt;

/**
 * One field of a message type.
 *
 * @param name         the field name as written in prototxt ("num_output")
 * @param number       the protobuf field number
 * @param repeated     true for {@code repeated}, false for {@code optional}
 * @param kind         what values the field holds
 * @param typeName     the .proto type: a scalar name ("uint32") or the scoped name of the enum
 *                     or message type ("PoolingParameter.PoolMethod", "FillerParameter")
 * @param defaultValue what a singular field reads as when absent: its declared proto2 default or
 *                     the type's zero value ({@code 0L}, {@code 0.0}, {@code false}, {@code ""},
 *                     the first enum value's name); null for repeated and message fields
 * @param packed       whether caffe.proto marks the field {@code [packed = true]} (binary encoding
 *                     only; the text format is the same)
 * @param messageType  the field's message type when kind is MESSAGE, else null
 * @param enumType     the field's enum type when kind is ENUM, else null
 */
public record FieldDef(String name, int number, boolean repeated, FieldKind kind, String typeName,
                       Object defaultValue, boolean packed, MessageType messageType,
                       EnumType enumType) {

    /** For error messages: "uint32", "enum PoolingParameter.PoolMethod", "message BlobShape". */
    String describeType() {
        return switch (kind) {
            case ENUM -> "enum " + typeName;
            case MESSAGE -> "message " + typeName;
            default -> typeName;
        };
    }
}
