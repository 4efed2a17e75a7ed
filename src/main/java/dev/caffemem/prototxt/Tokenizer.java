package dev.caffemem.prototxt;

/**
 * Splits prototxt text into tokens the way protobuf's io::Tokenizer does: identifiers, integers
 * (decimal, 0x hex, leading-0 octal), floats, quoted strings and single-character symbols, with
 * {@code #} comments and whitespace skipped. A minus sign is a symbol of its own.
 *
 * <p>It holds one token at a time (the "current" one) in fields rather than allocating token
 * objects: this is the parser's hot loop. Malformed numbers and strings are reported here, when
 * the parser moves onto them, so errors still come out in file order.
 */
final class Tokenizer {

    enum Kind { IDENTIFIER, INTEGER, FLOAT, STRING, SYMBOL, END }

    private final char[] text;
    private final String file;
    private int offset;
    private int line = 1;
    private int lineStart;

    Kind kind;
    int start;
    int end;
    int tokenLine;
    int tokenColumn;
    /** For STRING tokens: whether a backslash occurs, so decoding cannot just copy. */
    boolean hasEscape;

    Tokenizer(String text, String file) {
        this.text = text.toCharArray();
        this.file = file;
        next();
    }

    /** Moves to the next token. */
    void next() {
        skipSpaceAndComments();
        start = offset;
        tokenLine = line;
        tokenColumn = offset - lineStart + 1;
        hasEscape = false;
        if (offset >= text.length) {
            kind = Kind.END;
        } else {
            char c = text[offset];
            if (isLetter(c)) {
                offset++;
                while (offset < text.length && (isLetter(text[offset]) || isDigit(text[offset]))) {
                    offset++;
                }
                kind = Kind.IDENTIFIER;
            } else if (isDigit(c) || (c == '.' && offset + 1 < text.length && isDigit(text[offset + 1]))) {
                kind = readNumber();
            } else if (c == '"' || c == '\'') {
                readString(c);
                kind = Kind.STRING;
            } else {
                offset += Character.isHighSurrogate(c) && offset + 1 < text.length
                        && Character.isLowSurrogate(text[offset + 1]) ? 2 : 1;
                kind = Kind.SYMBOL;
            }
        }
        end = offset;
    }

    boolean isSymbol(char c) {
        return kind == Kind.SYMBOL && text[start] == c;
    }

    /** The current token's text as written (strings keep their quotes and escapes). */
    String text() {
        return new String(text, start, end - start);
    }

    /** A STRING token's text between its quotes, for literals without escapes. */
    String stringContent() {
        return new String(text, start + 1, end - start - 2);
    }

    /** Whether the current token's text equals {@code word}, without allocating. */
    boolean textEquals(String word) {
        if (end - start != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (text[start + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    SourcePos position() {
        return new SourcePos(file, tokenLine, tokenColumn);
    }

    String file() {
        return file;
    }

    /** The current token for a "found ..." message: quoted text, or "end of file". */
    String describe() {
        return kind == Kind.END ? "end of file" : StringLiterals.quoteForMessage(new String(text, start, end - start));
    }

    /** Decodes the current STRING token, appending the bytes it stands for. */
    void appendStringBytes(ByteSink sink) {
        StringLiterals.decode(text, start + 1, end - 1, sink);
    }

    private void skipSpaceAndComments() {
        while (offset < text.length) {
            char c = text[offset];
            if (c == '\n') {
                offset++;
                line++;
                lineStart = offset;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B) {
                offset++;
            } else if (c == '#') {
                while (offset < text.length && text[offset] != '\n') {
                    offset++;
                }
            } else {
                return;
            }
        }
    }

    /** Mirrors protobuf's Tokenizer::ConsumeNumber, including what it refuses. */
    private Kind readNumber() {
        boolean isFloat = false;
        boolean integerOnly = false;
        char first = text[offset++];
        if (first == '0' && (peek() == 'x' || peek() == 'X')) {
            offset++;
            if (StringLiterals.hexValue(peek()) < 0) {
                throw numberError("expected hex digits after \"0x\"");
            }
            while (StringLiterals.hexValue(peek()) >= 0) {
                offset++;
            }
            integerOnly = true;
        } else if (first == '0' && isDigit(peek())) {
            while (isDigit(peek())) {
                if (!StringLiterals.isOctal(peek())) {
                    throw numberError("expected an octal number (a leading 0 means octal)");
                }
                offset++;
            }
            integerOnly = true;
        } else {
            if (first == '.') {
                isFloat = true;
            }
            skipDigits();
            if (!isFloat && peek() == '.') {
                offset++;
                isFloat = true;
                skipDigits();
            }
            if (peek() == 'e' || peek() == 'E') {
                offset++;
                isFloat = true;
                if (peek() == '-' || peek() == '+') {
                    offset++;
                }
                if (!isDigit(peek())) {
                    throw numberError("expected digits in the exponent of a number");
                }
                skipDigits();
            }
            if (peek() == 'f' || peek() == 'F') {
                offset++;
                isFloat = true;
            }
        }
        if (isLetter(peek()) || isDigit(peek())) {
            throw numberError("expected a space or separator after a number");
        }
        if (peek() == '.') {
            throw numberError(integerOnly ? "expected an integer (hex and octal numbers have no decimal point)"
                    : "expected at most one decimal point or exponent in a number");
        }
        return isFloat ? Kind.FLOAT : Kind.INTEGER;
    }

    private void readString(char quote) {
        offset++;
        while (true) {
            char c = offset < text.length ? text[offset] : '\n';
            if (c == '\n') {
                throw new PrototxtException(new SourcePos(file, line, start - lineStart + 1),
                        "expected " + StringLiterals.quoteForMessage(String.valueOf(quote)) + " to close the string, found "
                                + (offset < text.length ? "end of line" : "end of file"));
            }
            offset++;
            if (c == quote) {
                return;
            }
            if (c == '\\') {
                hasEscape = true;
                readEscape();
            }
        }
    }

    /** Checks one escape; offset is just past the backslash. */
    private void readEscape() {
        int length = StringLiterals.escapeLength(text, offset);
        if (length == 0) {
            char c = peek();
            String shown = c == '\n' || c == 0 ? "\\" : "\\" + c;
            throw new PrototxtException(new SourcePos(file, line, offset - lineStart),
                    "expected an escape sequence (\\n \\t \\r \\\\ \\' \\\" \\a \\b \\f \\v \\? \\NNN \\xHH"
                            + " \\uHHHH), found " + StringLiterals.quoteForMessage(shown));
        }
        offset += length;
    }

    private PrototxtException numberError(String expected) {
        int wordEnd = start;
        while (wordEnd < text.length && (isLetter(text[wordEnd]) || isDigit(text[wordEnd]) || text[wordEnd] == '.'
                || ((text[wordEnd] == '-' || text[wordEnd] == '+') && wordEnd > start
                && (text[wordEnd - 1] == 'e' || text[wordEnd - 1] == 'E')))) {
            wordEnd++;
        }
        return new PrototxtException(position(),
                expected + ", found " + StringLiterals.quoteForMessage(new String(text, start, wordEnd - start)));
    }

    private void skipDigits() {
        while (isDigit(peek())) {
            offset++;
        }
    }

    private char peek() {
        return offset < text.length ? text[offset] : 0;
    }

    static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
