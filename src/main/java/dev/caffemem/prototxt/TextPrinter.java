package dev.caffemem.prototxt;

/**
 * Writes a message in the protobuf text format: two-space indent, one value per line, fields in
 * the order they first appeared. Numbers are written so that both this parser and Caffe's
 * protobuf read back exactly the same value.
 */
final class TextPrinter {

    private TextPrinter() {
    }

    static String print(Message message) {
        StringBuilder out = new StringBuilder(256);
        printFields(message, out, 0);
        return out.toString();
    }

    private static void printFields(Message message, StringBuilder out, int indent) {
        for (FieldSlot slot : message.slotsInOrder()) {
            for (Object value : slot.values) {
                indent(out, indent);
                out.append(slot.def.name());
                if (value instanceof Message child) {
                    out.append(" {\n");
                    printFields(child, out, indent + 2);
                    indent(out, indent);
                    out.append("}\n");
                } else {
                    out.append(": ");
                    printScalar(slot.def, value, out);
                    out.append('\n');
                }
            }
        }
    }

    private static void printScalar(FieldDef field, Object value, StringBuilder out) {
        switch (field.kind()) {
            case UINT64 -> out.append(Long.toUnsignedString((Long) value));
            case FLOAT, DOUBLE -> out.append(formatDouble((Double) value));
            case STRING -> quote((String) value, false, out);
            case BYTES -> quote((String) value, true, out);
            default -> out.append(value); // other integers, bools, enum names
        }
    }

    /**
     * The shortest text Java gives that reads back as the same double, in protobuf's syntax:
     * "0.001", "1e-08" rather than "1.0E-8", "5" rather than "5.0", and "inf"/"-inf"/"nan".
     */
    static String formatDouble(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        String text = Double.toString(value);
        int exponent = text.indexOf('E');
        String mantissa = exponent < 0 ? text : text.substring(0, exponent);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        return exponent < 0 ? mantissa : mantissa + "e" + text.substring(exponent + 1);
    }

    /**
     * Quotes a string with C-style escapes. String fields keep non-ASCII characters (the file is
     * UTF-8); bytes fields hold one byte per char and write bytes outside printable ASCII in octal.
     */
    static void quote(String value, boolean asBytes, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F || (asBytes && c >= 0x80 && c <= 0xFF)) {
                        octal(c, out);
                    } else if (asBytes && c > 0xFF) {
                        // Not a byte: written as its UTF-8 bytes, which read back as several chars.
                        for (byte b : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                            octal(b & 0xFF, out);
                        }
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void octal(int b, StringBuilder out) {
        out.append('\\').append((char) ('0' + ((b >> 6) & 7))).append((char) ('0' + ((b >> 3) & 7)))
                .append((char) ('0' + (b & 7)));
    }

    private static void indent(StringBuilder out, int indent) {
        for (int i = 0; i < indent; i++) {
            out.append(' ');
        }
    }
}
