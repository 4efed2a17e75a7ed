package dev.caffemem.prototxt;

/**
 * Recursive-descent parser for the protobuf text format against a {@link MessageType}, with the
 * grammar and checks of protobuf's TextFormat::Parser as Caffe 1.0 used it (protobuf 2.6 to 3.x):
 * {@code name: value}, {@code name {...}}, {@code name: {...}}, {@code name <...>}, list values
 * {@code name: [a, b]} for repeated fields, an optional {@code ,} or {@code ;} after each field,
 * "Non-repeated field ... is specified multiple times" and "has no field named" errors.
 */
final class TextParser {

    /** The same nesting limit protobuf's parser has by default. */
    private static final int MAX_DEPTH = 100;

    /** An open "{" or "<": where and for which field, to report it when left unclosed. */
    private record Opener(String fieldName, SourcePos at, char close) {
        String where() {
            return at.line() + ":" + at.column();
        }
    }

    private final Tokenizer tok;
    private final ScalarReader scalars;
    /** Where a lenient parse records the fields it skips; null: an unknown field is an error, as in Caffe. */
    private final UnknownFields unknown;

    private TextParser(Tokenizer tok, UnknownFields unknown) {
        this.tok = tok;
        this.scalars = new ScalarReader(tok);
        this.unknown = unknown;
    }

    static Message parse(String text, String file, MessageType root) {
        return parse(text, file, root, null);
    }

    /** With {@code unknown} non-null, fields the schema lacks are skipped and recorded there instead of refused. */
    static Message parse(String text, String file, MessageType root, UnknownFields unknown) {
        Message message = new Message(root, new SourcePos(file, 1, 1));
        new TextParser(new Tokenizer(text, file), unknown).readFields(message, null, 0);
        return message;
    }

    /** Reads fields until the opener's closing symbol (or, at the top level, the end of the file). */
    private void readFields(Message message, Opener opener, int depth) {
        while (true) {
            switch (tok.kind) {
                case IDENTIFIER -> readField(message, depth);
                case END -> {
                    if (opener == null) {
                        return;
                    }
                    throw unclosed(opener);
                }
                default -> {
                    if (tok.isSymbol('}') || tok.isSymbol('>')) {
                        if (opener == null) {
                            throw error("expected a field name (there is no open \"{\" to close)");
                        }
                        if (tok.isSymbol(opener.close())) {
                            tok.next();
                            return;
                        }
                        throw unclosed(opener);
                    }
                    throw error(opener == null ? "expected a field name"
                            : "expected a field name or \"" + opener.close() + "\"");
                }
            }
        }
    }

    private void readField(Message message, int depth) {
        SourcePos namePos = tok.position();
        String name = tok.text();
        MessageType type = message.type();
        int index = type.indexOf(name);
        if (index < 0 && unknown != null) {
            unknown.add(type, name, namePos);
            tok.next();
            new FieldSkipper(tok).skipAfterName(name, depth);
            return;
        }
        if (index < 0) {
            throw new PrototxtException(namePos, "Message type \"" + type.fullName()
                    + "\" has no field named \"" + name + "\".");
        }
        FieldDef field = type.field(index);
        if (!field.repeated() && message.hasField(index)) {
            throw new PrototxtException(namePos, "Non-repeated field \"" + name + "\" is specified multiple times.");
        }
        tok.next();
        if (field.kind() == FieldKind.MESSAGE) {
            readMessageField(message, index, field, namePos, depth);
        } else {
            readScalarField(message, index, field, namePos);
        }
        // "For historical reasons" protobuf allows one separator after a field.
        if (tok.isSymbol(';') || tok.isSymbol(',')) {
            tok.next();
        }
    }

    private void readMessageField(Message message, int index, FieldDef field, SourcePos namePos, int depth) {
        boolean colon = tok.isSymbol(':');
        if (colon) {
            tok.next();
        }
        if (tok.isSymbol('[')) {
            if (!field.repeated()) {
                throw error("expected \"{\" to start field \"" + field.name()
                        + "\" (it is not repeated, so it takes no list)");
            }
            readMessageList(message, index, field, depth);
        } else if (tok.isSymbol('{') || tok.isSymbol('<')) {
            readMessage(message, index, field, namePos, depth);
        } else {
            throw error(colon ? "expected \"{\" to start message field \"" + field.name() + "\""
                    : "expected \":\" or \"{\" after field name \"" + field.name() + "\"");
        }
    }

    /** Reads one message body; the current token is its "{" or "<". */
    private void readMessage(Message parent, int index, FieldDef field, SourcePos pos, int depth) {
        if (depth >= MAX_DEPTH) {
            throw error("expected at most " + MAX_DEPTH + " levels of nested messages, found deeper nesting");
        }
        char close = tok.isSymbol('<') ? '>' : '}';
        tok.next();
        Message child = new Message(field.messageType(), pos);
        parent.append(index, child, pos);
        readFields(child, new Opener(field.name(), pos, close), depth + 1);
    }

    private void readMessageList(Message message, int index, FieldDef field, int depth) {
        SourcePos open = tok.position();
        tok.next();
        if (tok.isSymbol(']')) {
            tok.next();
            return;
        }
        while (true) {
            if (!tok.isSymbol('{') && !tok.isSymbol('<')) {
                throw error("expected \"{\" to start an element of \"" + field.name() + "\"");
            }
            readMessage(message, index, field, tok.position(), depth);
            if (!endOfListElement(field, open)) {
                return;
            }
        }
    }

    private void readScalarField(Message message, int index, FieldDef field, SourcePos namePos) {
        if (!tok.isSymbol(':')) {
            throw error(tok.isSymbol('{') || tok.isSymbol('<')
                    ? "expected \":\" after field name \"" + field.name() + "\" (it is " + field.describeType()
                    + ", not a message)"
                    : "expected \":\" after field name \"" + field.name() + "\"");
        }
        tok.next();
        if (!tok.isSymbol('[')) {
            message.append(index, scalars.read(field), namePos);
            return;
        }
        if (!field.repeated()) {
            throw error("expected a value for field \"" + field.name() + "\" (it is not repeated, so it takes no list)");
        }
        SourcePos open = tok.position();
        tok.next();
        if (tok.isSymbol(']')) {
            tok.next();
            return;
        }
        do {
            SourcePos at = tok.position();
            message.append(index, scalars.read(field), at);
        } while (endOfListElement(field, open));
    }

    /** After a list element: true and past the "," if another follows, false and past the "]" at the end. */
    private boolean endOfListElement(FieldDef field, SourcePos open) {
        if (tok.isSymbol(',')) {
            tok.next();
            return true;
        }
        if (tok.isSymbol(']')) {
            tok.next();
            return false;
        }
        throw error("expected \",\" or \"]\" in the list of field \"" + field.name() + "\" opened at "
                + open.line() + ":" + open.column());
    }

    private PrototxtException unclosed(Opener opener) {
        return error("expected \"" + opener.close() + "\" to close \"" + opener.fieldName() + "\" opened at "
                + opener.where());
    }

    /** An error at the current token: "{expected}, found {token}". */
    private PrototxtException error(String expected) {
        return new PrototxtException(tok.position(), expected + ", found " + tok.describe());
    }
}
