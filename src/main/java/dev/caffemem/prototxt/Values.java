package dev.caffemem.prototxt;

/**
 * Checks and normalises values put into a {@link Message} from code, so that a message always
 * holds the stored types listed in {@link FieldKind}, whatever boxed type the caller used.
 */
final class Values {

    private Values() {
    }

    /** The value as stored for that field; IllegalArgumentException if it is the wrong kind. */
    static Object coerce(FieldDef field, Object value) {
        if (value == null) {
            throw mismatch(field, null);
        }
        return switch (field.kind()) {
            case INT32, INT64, UINT32, UINT64 -> integer(field, value);
            case FLOAT, DOUBLE -> floating(field, value);
            case BOOL -> require(field, value, Boolean.class);
            case STRING, BYTES -> require(field, value, String.class);
            case ENUM -> enumName(field, value);
            case MESSAGE -> message(field, value);
        };
    }

    private static Long integer(FieldDef field, Object value) {
        if (!(value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte)) {
            throw mismatch(field, value);
        }
        long v = ((Number) value).longValue();
        if (!field.kind().fits(v)) {
            throw new IllegalArgumentException(v + " is out of range for " + field.kind().protoName()
                    + " field \"" + field.name() + "\"");
        }
        return v;
    }

    private static Double floating(FieldDef field, Object value) {
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof Float f) {
            // Keep the decimal the caller wrote (0.1f -> 0.1), not the float's binary expansion.
            return Double.parseDouble(Float.toString(f));
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte) {
            return ((Number) value).doubleValue();
        }
        throw mismatch(field, value);
    }

    private static String enumName(FieldDef field, Object value) {
        EnumType type = field.enumType();
        if (value instanceof String name) {
            if (type.number(name) == null) {
                throw new IllegalArgumentException(type.name() + " has no value " + name
                        + " (field \"" + field.name() + "\")");
            }
            return name;
        }
        if (value instanceof Integer || value instanceof Long) {
            long number = ((Number) value).longValue();
            String name = number == (int) number ? type.valueName((int) number) : null;
            if (name == null) {
                throw new IllegalArgumentException(type.name() + " has no value numbered " + number
                        + " (field \"" + field.name() + "\")");
            }
            return name;
        }
        throw mismatch(field, value);
    }

    private static Message message(FieldDef field, Object value) {
        if (value instanceof Message m && m.type().fullName().equals(field.messageType().fullName())) {
            return m;
        }
        throw mismatch(field, value);
    }

    private static <T> T require(FieldDef field, Object value, Class<T> type) {
        if (!type.isInstance(value)) {
            throw mismatch(field, value);
        }
        return type.cast(value);
    }

    private static IllegalArgumentException mismatch(FieldDef field, Object value) {
        String what = value == null ? "null"
                : value instanceof Message m ? "a message " + m.type().fullName()
                : "a " + value.getClass().getSimpleName();
        return new IllegalArgumentException("field \"" + field.name() + "\" is " + field.describeType()
                + ", cannot hold " + what);
    }
}
