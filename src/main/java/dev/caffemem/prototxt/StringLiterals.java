package dev.caffemem.prototxt;

/**
 * C-style string literals as protobuf's tokenizer reads them: which escapes are valid, what
 * bytes they stand for, and how to show a piece of text in an error message.
 */
final class StringLiterals {

    private static final int MAX_SHOWN = 40;

    private StringLiterals() {
    }

    /**
     * How many chars after a backslash form a valid escape, or 0 if none does. The escapes are
     * protobuf's (2.6 and later): {@code \a \b \f \n \r \t \v \\ \? \' \"}, octal
     * {@code \N..\NNN}, hex {@code \xH..\xHH}, and backslash-u with 4 hex digits or backslash-U
     * with 8 (up to 10FFFF). Digits beyond the first of an octal or hex escape are ordinary chars
     * to the validator, as in protobuf.
     */
    static int escapeLength(char[] text, int at) {
        if (at >= text.length) {
            return 0;
        }
        return switch (text[at]) {
            case 'a', 'b', 'f', 'n', 'r', 't', 'v', '\\', '?', '\'', '"' -> 1;
            case 'x', 'X' -> at + 1 < text.length && hexValue(text[at + 1]) >= 0 ? 1 : 0;
            case 'u' -> hexDigits(text, at + 1, 4) ? 5 : 0;
            case 'U' -> hexDigits(text, at + 1, 8) && codePoint(text, at + 1, 8) <= 0x10FFFF ? 9 : 0;
            default -> isOctal(text[at]) ? 1 : 0;
        };
    }

    /**
     * Appends the bytes that text[from, to) (a literal's contents, already validated) stands for:
     * characters as UTF-8, escapes as the bytes they name.
     */
    static void decode(char[] text, int from, int to, ByteSink sink) {
        for (int i = from; i < to; i++) {
            char c = text[i];
            if (c != '\\') {
                if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text[i + 1])) {
                    sink.appendUtf8(Character.toCodePoint(c, text[++i]));
                } else {
                    sink.appendUtf8(c);
                }
                continue;
            }
            c = text[++i];
            switch (c) {
                case 'a' -> sink.append(7);
                case 'b' -> sink.append('\b');
                case 'f' -> sink.append('\f');
                case 'n' -> sink.append('\n');
                case 'r' -> sink.append('\r');
                case 't' -> sink.append('\t');
                case 'v' -> sink.append(11);
                case 'x', 'X' -> {
                    int value = 0;
                    for (int n = 0; n < 2 && i + 1 < to && hexValue(text[i + 1]) >= 0; n++) {
                        value = value * 16 + hexValue(text[++i]);
                    }
                    sink.append(value);
                }
                case 'u', 'U' -> {
                    int digits = c == 'u' ? 4 : 8;
                    sink.appendUtf8(codePoint(text, i + 1, digits));
                    i += digits;
                }
                default -> {
                    if (isOctal(c)) {
                        int value = c - '0';
                        for (int n = 0; n < 2 && i + 1 < to && isOctal(text[i + 1]); n++) {
                            value = value * 8 + (text[++i] - '0');
                        }
                        sink.append(value & 0xFF); // like protobuf, \777 keeps the low byte
                    } else {
                        sink.append(c); // \\ \' \" \?
                    }
                }
            }
        }
    }

    /**
     * Quotes text for an error message: in double quotes, with backslash escapes for quotes,
     * backslashes and control characters, cut short if long.
     */
    static String quoteForMessage(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        int shown = Math.min(s.length(), MAX_SHOWN);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == '\uFEFF') {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (shown < s.length()) {
            out.append("...");
        }
        return out.append('"').toString();
    }

    static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }

    private static boolean hexDigits(char[] text, int from, int count) {
        if (from + count > text.length) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            if (hexValue(text[i]) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int codePoint(char[] text, int from, int digits) {
        long value = 0;
        for (int i = from; i < from + digits; i++) {
            value = value * 16 + hexValue(text[i]);
        }
        return value > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) value;
    }
}
