package dev.caffemem.probe;

import java.util.List;

/**
 * Caffe's caffe.proto as the loaded libcaffe describes it through protobuf's descriptors: plain
 * data, read in a child JVM by {@link CaffeProtoReader}, so that caffemem's own schema can be
 * checked against the library it is meant to mirror. Names are full names without a leading dot
 * ("caffe.PoolingParameter.PoolMethod"); lists are in declaration order.
 *
 * @param file           the .proto file's name as compiled into the library ("caffe.proto")
 * @param packageName    its protobuf package ("caffe")
 * @param syntax         "proto2" or "proto3"
 * @param enums          top-level enums
 * @param messages       top-level messages
 * @param extensionCount extensions declared anywhere in the file (Caffe 1.0 declares none; the
 *                       text format would write them as {@code [name]}, which caffemem does not read)
 */
public record CaffeProto(String file, String packageName, String syntax, List<EnumInfo> enums,
                         List<MessageInfo> messages, int extensionCount) {

    /**
     * A message type.
     *
     * @param nested message types declared inside it (Caffe 1.0 has none)
     */
    public record MessageInfo(String fullName, List<FieldInfo> fields, List<EnumInfo> enums,
                              List<MessageInfo> nested) {
    }

    /**
     * One field.
     *
     * @param label        "optional", "repeated" or "required"
     * @param type         protobuf's type name: "int32", "uint32", "float", "string", "bytes",
     *                     "enum", "message", "group", ...
     * @param typeName     the full name of the enum or message type, else null
     * @param hasDefault   whether the .proto declares {@code [default = ...]}
     * @param defaultValue what an absent singular field reads as (declared or implicit), written
     *                     as Java writes the value: integers in decimal (unsigned ones unsigned),
     *                     floats by {@link Float#toString(float)}, doubles by
     *                     {@link Double#toString(double)}, enums by value name, strings as they
     *                     are; null for repeated and message fields
     * @param packed       whether the field is marked {@code [packed = true]}
     * @param oneof        the name of the oneof holding it, or null (Caffe 1.0 uses none)
     */
    public record FieldInfo(String name, int number, String label, String type, String typeName,
                            boolean hasDefault, String defaultValue, boolean packed, String oneof) {
    }

    /** An enum type with its values in declaration order. */
    public record EnumInfo(String fullName, List<ValueInfo> values) {
    }

    /** One value of an enum. */
    public record ValueInfo(String name, int number) {
    }
}
