package dev.caffemem.prototxt;

import java.util.ArrayList;
import java.util.List;

/** Field options of the schema format ({@code [packed, default=<value>]}) and default values. */
final class SchemaDefaults {

    private SchemaDefaults() {
    }

    /** What an absent singular field reads as when the schema declares no default (proto2 rules). */
    static Object zeroValue(FieldKind kind, EnumType enumType) {
        return switch (kind) {
            case INT32, INT64, UINT32, UINT64 -> 0L;
            case FLOAT, DOUBLE -> 0.0;
            case BOOL -> false;
            case STRING, BYTES -> "";
            case ENUM -> enumType.valueNames().get(0);
            case MESSAGE -> null;
        };
    }

    /**
     * A declared default as the stored type; IllegalArgumentException if it does not fit.
     * Numbers are written as in caffe.proto (".999", "1.", "1e-8").
     */
    static Object parse(String text, FieldKind kind, EnumType enumType) {
        try {
            return switch (kind) {
                case INT32, INT64, UINT32, UINT64 -> {
                    long value = Long.parseLong(text);
                    if (!kind.fits(value)) {
                        throw new IllegalArgumentException("bad " + kind.protoName() + " default \"" + text + "\"");
                    }
                    yield value;
                }
                case FLOAT, DOUBLE -> Double.parseDouble(text);
                case BOOL -> switch (text) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException("expected true or false, found \"" + text + "\"");
                };
                case STRING, BYTES -> unquote(text);
                case ENUM -> {
                    if (enumType.number(text) == null) {
                        throw new IllegalArgumentException(enumType.name() + " has no value " + text);
                    }
                    yield text;
                }
                case MESSAGE -> throw new IllegalArgumentException("a message field cannot have a default");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + kind.protoName() + " default \"" + text + "\"");
        }
    }

    /** A double-quoted string; only {@code \"} and {@code \\} are escapes. */
    private static String unquote(String text) {
        if (text.length() < 2 || text.charAt(0) != '"' || text.charAt(text.length() - 1) != '"') {
            throw new IllegalArgumentException("expected a string in double quotes, found " + text);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() - 1) {
                c = text.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * A field line's options: {@code [packed]}, {@code [default=<value>]}, and, in an overlay only,
     * {@code [clashes=<field>]}: the fork gave this field a number that a field of a layer below already has
     * (a fork of an older Caffe, whose number Caffe 1.0 later took). The text format reads fields by name, so
     * both can be known; the option names the other field so that no other reuse of a number slips through.
     */
    record FieldOptions(boolean packed, String defaultText, String clashes) {
        static final FieldOptions NONE = new FieldOptions(false, null, null);

        /** The options text from "[" to "]"; IllegalArgumentException for anything else. */
        static FieldOptions parse(String text) {
            if (!text.endsWith("]")) {
                throw new IllegalArgumentException("expected options to end with \"]\"");
            }
            boolean packed = false;
            String defaultText = null;
            String clashes = null;
            for (String option : options(text.substring(1, text.length() - 1))) {
                if (option.equals("packed")) {
                    packed = true;
                } else if (option.startsWith("default=")) {
                    defaultText = option.substring("default=".length());
                } else if (option.startsWith("clashes=")) {
                    clashes = option.substring("clashes=".length());
                } else {
                    throw new IllegalArgumentException("unknown option \"" + option + "\"");
                }
            }
            return new FieldOptions(packed, defaultText, clashes);
        }

        /**
         * What the named field reads as when absent (null for repeated and message fields), if
         * these options fit it; else IllegalArgumentException naming the field.
         */
        Object defaultValue(String field, boolean repeated, FieldKind kind, EnumType enumType) {
            if (defaultText != null && (repeated || kind == FieldKind.MESSAGE)) {
                throw new IllegalArgumentException("field " + field + " cannot have a default");
            }
            if (packed && (!repeated || kind.isText() || kind == FieldKind.MESSAGE)) {
                throw new IllegalArgumentException("field " + field + " cannot be packed");
            }
            if (repeated || kind == FieldKind.MESSAGE) {
                return null;
            }
            try {
                return defaultText == null ? zeroValue(kind, enumType) : SchemaDefaults.parse(defaultText, kind, enumType);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("field " + field + ": " + e.getMessage(), e);
            }
        }
    }

    /** Splits the text between "[" and "]" on commas outside double quotes. */
    static List<String> options(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ',';
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                String option = text.substring(start, i).strip();
                if (!option.isEmpty()) {
                    out.add(option);
                }
                start = i + 1;
            }
        }
        return out;
    }
}
