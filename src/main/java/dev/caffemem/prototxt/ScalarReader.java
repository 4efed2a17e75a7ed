package dev.caffemem.prototxt;

import java.util.Locale;

/**
 * Reads one scalar value for a field from the token stream, with the checks protobuf's
 * TextFormat makes (ConsumeFieldValue and friends): integer ranges per type, no sign on
 * unsigned fields, decimal-only integers for float fields, known enum values.
 */
final class ScalarReader {

    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private final Tokenizer tok;

    ScalarReader(Tokenizer tok) {
        this.tok = tok;
    }

    /** Reads the value starting at the current token and moves past it. */
    Object read(FieldDef field) {
        return switch (field.kind()) {
            case INT32, INT64, UINT32, UINT64 -> readInteger(field, field.kind());
            case FLOAT, DOUBLE -> readFloat(field);
            case BOOL -> readBool(field);
            case STRING, BYTES -> readString(field);
            case ENUM -> readEnum(field);
            case MESSAGE -> throw new IllegalStateException("message field " + field.name());
        };
    }

    /** Reads an integer of the given kind (an enum field's number is read as an int32). */
    private Long readInteger(FieldDef field, FieldKind kind) {
        SourcePos at = tok.position();
        boolean negative = false;
        if (tok.isSymbol('-')) {
            tok.next();
            if (kind.isUnsigned()) {
                String shown = tok.kind == Tokenizer.Kind.INTEGER ? "-" + tok.text() : "-";
                throw new PrototxtException(at, "expected a non-negative integer for " + kind.protoName()
                        + " field \"" + field.name() + "\", found " + StringLiterals.quoteForMessage(shown));
            }
            negative = true;
        }
        if (tok.kind != Tokenizer.Kind.INTEGER) {
            throw expected(tok.kind == Tokenizer.Kind.FLOAT ? "an integer" : "a number", field);
        }
        String text = tok.text();
        long magnitude;
        try {
            magnitude = magnitude(text);
        } catch (ArithmeticException e) {
            throw outOfRange(field, kind, at, negative, text);
        }
        if (Long.compareUnsigned(magnitude, limit(kind, negative)) > 0) {
            throw outOfRange(field, kind, at, negative, text);
        }
        tok.next();
        return negative ? -magnitude : magnitude;
    }

    /** The largest magnitude a kind takes, as an unsigned long; negatives reach one further. */
    private static long limit(FieldKind kind, boolean negative) {
        return switch (kind) {
            case INT32 -> negative ? 1L << 31 : Integer.MAX_VALUE;
            case UINT32 -> UINT32_MAX;
            case INT64 -> negative ? Long.MIN_VALUE : Long.MAX_VALUE;
            default -> -1L; // uint64: all 64 bits
        };
    }

    private PrototxtException outOfRange(FieldDef field, FieldKind kind, SourcePos at, boolean negative,
                                         String text) {
        String range = switch (kind) {
            case INT32 -> "-2147483648 to 2147483647";
            case UINT32 -> "0 to 4294967295";
            case INT64 -> "-9223372036854775808 to 9223372036854775807";
            default -> "0 to 18446744073709551615";
        };
        return new PrototxtException(at, "expected " + article(kind.protoName()) + " (" + range
                + ") for field \"" + field.name() + "\", found "
                + StringLiterals.quoteForMessage((negative ? "-" : "") + text) + " (out of range)");
    }

    private Double readFloat(FieldDef field) {
        boolean negative = false;
        if (tok.isSymbol('-')) {
            tok.next();
            negative = true;
        }
        double value;
        switch (tok.kind) {
            case INTEGER -> {
                String text = tok.text();
                if (text.length() > 1 && text.charAt(0) == '0') {
                    // protobuf's ConsumeDouble takes decimal integers only.
                    throw expected("a decimal number", field);
                }
                try {
                    magnitude(text);
                } catch (ArithmeticException e) {
                    throw expected("a number up to 18446744073709551615 (write larger ones with a decimal point)", field);
                }
                value = Double.parseDouble(text);
            }
            case FLOAT -> {
                String text = tok.text();
                char last = text.charAt(text.length() - 1);
                value = Double.parseDouble(last == 'f' || last == 'F' ? text.substring(0, text.length() - 1) : text);
            }
            case IDENTIFIER -> {
                String word = tok.text().toLowerCase(Locale.ROOT);
                if (word.equals("inf") || word.equals("infinity")) {
                    value = Double.POSITIVE_INFINITY;
                } else if (word.equals("nan")) {
                    value = Double.NaN;
                } else {
                    throw expected("a number", field);
                }
            }
            default -> throw expected("a number", field);
        }
        tok.next();
        return negative ? -value : value;
    }

    private Boolean readBool(FieldDef field) {
        Boolean value = null;
        if (tok.kind == Tokenizer.Kind.INTEGER) {
            long number;
            try {
                number = magnitude(tok.text());
            } catch (ArithmeticException e) {
                number = -1;
            }
            value = number == 0 ? Boolean.FALSE : number == 1 ? Boolean.TRUE : null;
        } else if (tok.kind == Tokenizer.Kind.IDENTIFIER) {
            if (tok.textEquals("true") || tok.textEquals("True") || tok.textEquals("t")) {
                value = Boolean.TRUE;
            } else if (tok.textEquals("false") || tok.textEquals("False") || tok.textEquals("f")) {
                value = Boolean.FALSE;
            }
        }
        if (value == null) {
            throw expected("true or false", field);
        }
        tok.next();
        return value;
    }

    /** Adjacent literals concatenate, as in protobuf ("ab" "cd" is "abcd"). */
    private String readString(FieldDef field) {
        if (tok.kind != Tokenizer.Kind.STRING) {
            throw expected("a string", field);
        }
        boolean asBytes = field.kind() == FieldKind.BYTES;
        if (!asBytes && !tok.hasEscape) {
            // The common case: one plain literal, copied without decoding.
            String plain = tok.stringContent();
            tok.next();
            if (tok.kind != Tokenizer.Kind.STRING) {
                return plain;
            }
            ByteSink sink = new ByteSink();
            plain.codePoints().forEach(sink::appendUtf8);
            return readRest(sink, false);
        }
        return readRest(new ByteSink(), asBytes);
    }

    private String readRest(ByteSink sink, boolean asBytes) {
        while (tok.kind == Tokenizer.Kind.STRING) {
            tok.appendStringBytes(sink);
            tok.next();
        }
        return sink.decode(asBytes);
    }

    private String readEnum(FieldDef field) {
        EnumType type = field.enumType();
        String name;
        String shown;
        SourcePos at = tok.position();
        if (tok.kind == Tokenizer.Kind.IDENTIFIER) {
            shown = tok.text();
            name = type.number(shown) != null ? shown : null;
            tok.next();
        } else if (tok.isSymbol('-') || tok.kind == Tokenizer.Kind.INTEGER) {
            long number = readInteger(field, FieldKind.INT32);
            shown = Long.toString(number);
            name = type.valueName((int) number);
        } else {
            throw expected("an enum value (name or number)", field);
        }
        if (name == null) {
            throw new PrototxtException(at, "Unknown enumeration value of \"" + shown + "\" for field \""
                    + field.name() + "\".");
        }
        return name;
    }

    private PrototxtException expected(String what, FieldDef field) {
        return new PrototxtException(tok.position(), "expected " + what + " for field \"" + field.name()
                + "\", found " + tok.describe());
    }

    /** "an int32" but "a uint32" (said "you-int"). */
    private static String article(String typeName) {
        return (typeName.startsWith("int") ? "an " : "a ") + typeName;
    }

    /**
     * The value of an integer token (decimal, 0x hex or leading-0 octal) as an unsigned 64-bit
     * pattern; ArithmeticException if it needs more than 64 bits.
     */
    static long magnitude(String text) {
        int radix = 10;
        int i = 0;
        if (text.length() > 1 && text.charAt(0) == '0') {
            boolean hex = text.charAt(1) == 'x' || text.charAt(1) == 'X';
            radix = hex ? 16 : 8;
            i = hex ? 2 : 1;
        }
        long limit = Long.divideUnsigned(-1L, radix);
        long value = 0;
        for (; i < text.length(); i++) {
            int digit = StringLiterals.hexValue(text.charAt(i));
            if (Long.compareUnsigned(value, limit) > 0) {
                throw new ArithmeticException("integer overflow");
            }
            long shifted = value * radix;
            value = shifted + digit;
            if (Long.compareUnsigned(value, shifted) < 0) {
                throw new ArithmeticException("integer overflow");
            }
        }
        return value;
    }
}
