package dev.caffemem.prototxt;

/**
 * The protobuf type of a field, as far as the text format cares. Values are stored in
 * {@link Message} as: integers as {@link Long}, floats as {@link Double}, bools as
 * {@link Boolean}, strings and bytes as {@link String}, enums as the value's name, messages as
 * {@link Message}.
 */
public enum FieldKind {
    INT32, INT64, UINT32, UINT64, FLOAT, DOUBLE, BOOL, STRING, BYTES, ENUM, MESSAGE;

    /** The kind for a scalar type name of a .proto file ("uint32"), or null if it is not one. */
    static FieldKind ofScalar(String protoType) {
        return switch (protoType) {
            case "int32" -> INT32;
            case "int64" -> INT64;
            case "uint32" -> UINT32;
            case "uint64" -> UINT64;
            case "float" -> FLOAT;
            case "double" -> DOUBLE;
            case "bool" -> BOOL;
            case "string" -> STRING;
            case "bytes" -> BYTES;
            default -> null;
        };
    }

    public boolean isInteger() {
        return this == INT32 || this == INT64 || this == UINT32 || this == UINT64;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT || this == DOUBLE;
    }

    public boolean isUnsigned() {
        return this == UINT32 || this == UINT64;
    }

    public boolean isText() {
        return this == STRING || this == BYTES;
    }

    /**
     * Whether an integer is in range for this kind. UINT64 values are kept as their 64-bit
     * pattern in a long (as protobuf-java does), so every long fits.
     */
    public boolean fits(long value) {
        return switch (this) {
            case INT32 -> value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
            case UINT32 -> value >= 0 && value <= 0xFFFF_FFFFL;
            default -> true;
        };
    }

    /** The name used for this kind in .proto files and in error messages ("uint32"). */
    public String protoName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
