package dev.caffemem.prototxt;

/**
 * Skips the value of a field the schema does not know, as protobuf's text parser does when unknown
 * fields are allowed (its SkipField, SkipFieldValue and SkipFieldMessage): a scalar (adjacent strings,
 * an optionally negative number or an identifier), a {@code [...]} list, or a {@code {...}} or
 * {@code <...>} message whose fields are skipped the same way. Malformed text is still an error at its
 * line and column.
 */
final class FieldSkipper {
    private static final int MAX_DEPTH = 100;

    private final Tokenizer tok;

    FieldSkipper(Tokenizer tok) {
        this.tok = tok;
    }

    /** Skips what follows a field name (the current token is the one after the name). */
    void skipAfterName(String name, int depth) {
        if (tok.isSymbol(':')) {
            tok.next();
            if (tok.isSymbol('[')) {
                skipList(name, depth);
            } else if (tok.isSymbol('{') || tok.isSymbol('<')) {
                skipMessage(depth);
            } else {
                skipScalar(name);
            }
        } else if (tok.isSymbol('{') || tok.isSymbol('<')) {
            skipMessage(depth);
        } else {
            throw error("expected \":\" or \"{\" after field name \"" + name + "\"");
        }
        if (tok.isSymbol(';') || tok.isSymbol(',')) {
            tok.next();
        }
    }

    private void skipScalar(String name) {
        if (tok.kind == Tokenizer.Kind.STRING) {
            while (tok.kind == Tokenizer.Kind.STRING) {
                tok.next();
            }
            return;
        }
        if (tok.isSymbol('-')) {
            tok.next();
        }
        if (tok.kind != Tokenizer.Kind.IDENTIFIER && tok.kind != Tokenizer.Kind.INTEGER
                && tok.kind != Tokenizer.Kind.FLOAT) {
            throw error("expected a value for field \"" + name + "\"");
        }
        tok.next();
    }

    private void skipList(String name, int depth) {
        tok.next();
        if (tok.isSymbol(']')) {
            tok.next();
            return;
        }
        while (true) {
            if (tok.isSymbol('{') || tok.isSymbol('<')) {
                skipMessage(depth);
            } else {
                skipScalar(name);
            }
            if (tok.isSymbol(']')) {
                tok.next();
                return;
            }
            if (!tok.isSymbol(',')) {
                throw error("expected \",\" or \"]\" in the list of field \"" + name + "\"");
            }
            tok.next();
        }
    }

    /** The current token is the "{" or "<"; skips through its match. */
    private void skipMessage(int depth) {
        if (depth >= MAX_DEPTH) {
            throw error("expected at most " + MAX_DEPTH + " levels of nested messages, found deeper nesting");
        }
        char close = tok.isSymbol('<') ? '>' : '}';
        tok.next();
        while (!tok.isSymbol(close)) {
            if (tok.kind != Tokenizer.Kind.IDENTIFIER) {
                throw error("expected a field name or \"" + close + "\"");
            }
            String name = tok.text();
            tok.next();
            skipAfterName(name, depth + 1);
        }
        tok.next();
    }

    private PrototxtException error(String expected) {
        return new PrototxtException(tok.position(), expected + ", found " + tok.describe());
    }
}
