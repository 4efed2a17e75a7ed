package dev.caffemem.prototxt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the schema line format (described at the top of {@code caffe-1.0.schema}), lazily.
 *
 * <p>At start-up it only indexes the text: the package, top-level enums, and where each
 * message's body lies. A message's nested enums and fields are read the first time the message
 * is used, since a run needs a fraction of caffe.proto's 61 messages and this runs at every CLI
 * start. A malformed schema is a bug in a resource: it is reported as IllegalStateException
 * naming the line, when the part holding it is read (a test reads everything).
 *
 * <p>Reading is synchronized on this object; a {@link MessageType} publishes its fields through
 * a volatile field, so the parser's hot path takes no lock.
 */
final class SchemaReader {

    private static final byte[] OPTIONAL = SchemaLines.ascii("optional");
    private static final byte[] REPEATED = SchemaLines.ascii("repeated");
    private static final byte[] ENUM = SchemaLines.ascii("enum");
    private static final byte[] MESSAGE = SchemaLines.ascii("message");
    private static final byte[] PACKAGE = SchemaLines.ascii("package");
    private static final byte[] EQUALS = SchemaLines.ascii("=");

    /** Where a message's body lies in the text; its nested enums once they have been read. */
    private static final class Body {
        final MessageType type;
        final int start;
        final int firstLine;
        int end;
        List<EnumType> enums;

        Body(MessageType type, int start, int firstLine, int end) {
            this.type = type;
            this.start = start;
            this.firstLine = firstLine;
            this.end = end;
        }
    }

    private final SchemaLines lines;
    private String packageName = "";
    private final Map<String, MessageType> messages = new LinkedHashMap<>();
    private final Map<String, Body> bodies = new HashMap<>();
    /** Enums read so far by scoped name: all top-level ones, nested ones as their message is read. */
    private final Map<String, EnumType> enums = new HashMap<>();
    /** Top-level enums and message bodies in file order, to list enums in declaration order. */
    private final List<Object> declarations = new ArrayList<>();

    private SchemaReader(byte[] utf8, String source) {
        this.lines = new SchemaLines(utf8, source);
    }

    static Schema read(byte[] utf8, String source) {
        SchemaReader reader = new SchemaReader(utf8, source);
        reader.index();
        return new Schema(reader.packageName, reader.messages, reader);
    }

    // ---- start-up: index the top level ----

    private void index() {
        Body current = null;
        int start = 0;
        while (start < lines.length()) {
            int end = lines.lineEnd(start);
            lines.lineNumber++;
            int first = lines.skipBlanks(start, end);
            if (first < end && !lines.isComment(first)) {
                if (first == start) {
                    if (current != null) {
                        current.end = start;
                    }
                    current = readTopLevel(first, end);
                } else if (current == null) {
                    throw lines.error("indented line outside a message");
                }
            }
            start = end + 1;
        }
    }

    /** Reads a package, enum or message line; returns the body a message line starts. */
    private Body readTopLevel(int first, int end) {
        lines.splitWords(first, end);
        if (lines.wordIs(0, MESSAGE)) {
            expectWords(2);
            String name = lines.word(1);
            MessageType type = new MessageType(name, qualify(name), this);
            Body body = new Body(type, end + 1, lines.lineNumber + 1, lines.length());
            if (messages.put(name, type) != null) {
                throw lines.error("message " + name + " declared twice");
            }
            bodies.put(name, body);
            declarations.add(body);
            return body;
        }
        if (lines.wordIs(0, ENUM)) {
            declarations.add(readEnum(null));
            return null;
        }
        if (lines.wordIs(0, PACKAGE)) {
            expectWords(2);
            packageName = lines.word(1);
            return null;
        }
        throw lines.error("unknown declaration \"" + lines.word(0) + "\"");
    }

    // ---- on demand: message bodies ----

    /** The fields of a message, read from its body; called once per type, by MessageType. */
    synchronized List<FieldDef> fieldsOf(MessageType type) {
        Body body = bodies.get(type.name());
        readEnums(body);
        List<FieldDef> fields = new ArrayList<>();
        scanBody(body, fields);
        return fields;
    }

    /** An enum by scoped name ("Phase", "PoolingParameter.PoolMethod"), or null. */
    synchronized EnumType findEnum(String scopedName) {
        int dot = scopedName.lastIndexOf('.');
        if (dot > 0 && bodies.containsKey(scopedName.substring(0, dot))) {
            readEnums(bodies.get(scopedName.substring(0, dot)));
        }
        return enums.get(scopedName);
    }

    /** All enums, top-level and nested, in declaration order. */
    synchronized List<EnumType> allEnums() {
        List<EnumType> all = new ArrayList<>();
        for (Object declaration : declarations) {
            if (declaration instanceof EnumType e) {
                all.add(e);
            } else {
                Body body = (Body) declaration;
                readEnums(body);
                all.addAll(body.enums);
            }
        }
        return all;
    }

    private void readEnums(Body body) {
        if (body.enums == null) {
            body.enums = new ArrayList<>(2);
            scanBody(body, null);
        }
    }

    /**
     * Goes through a body's lines: with fields null, reads its nested enums into body.enums;
     * otherwise resolves its fields into fields (the enums must have been read).
     */
    private void scanBody(Body body, List<FieldDef> fields) {
        lines.lineNumber = body.firstLine - 1;
        int start = body.start;
        while (start < body.end) {
            int end = Math.min(lines.lineEnd(start), body.end);
            lines.lineNumber++;
            int first = lines.skipBlanks(start, end);
            if (first < end && !lines.isComment(first)) {
                int options = lines.optionsStart(first, end);
                lines.splitWords(first, options);
                if (lines.wordIs(0, ENUM)) {
                    if (fields == null) {
                        body.enums.add(readEnum(body.type.name()));
                    }
                } else if (lines.wordIs(0, OPTIONAL) || lines.wordIs(0, REPEATED)) {
                    if (fields != null) {
                        fields.add(readField(body, options, end));
                    }
                } else {
                    throw lines.error("expected a field or an enum, found \"" + lines.word(0) + "\"");
                }
            }
            start = end + 1;
        }
    }

    /** {@code enum <Name> <VALUE>=<number> ...}, nested in the named message unless scope is null. */
    private EnumType readEnum(String scope) {
        if (lines.wordCount() < 3) {
            throw lines.error("an enum needs a name and at least one value");
        }
        String name = scope == null ? lines.word(1) : dotted(scope, lines.word(1));
        List<String> names = new ArrayList<>(lines.wordCount() - 2);
        List<Integer> numbers = new ArrayList<>(lines.wordCount() - 2);
        for (int w = 2; w < lines.wordCount(); w++) {
            int eq = lines.equalsSign(w);
            if (eq <= lines.wordStart(w) || eq == lines.wordEnd(w) - 1) {
                throw lines.error("expected VALUE=number, found \"" + lines.word(w) + "\"");
            }
            names.add(lines.latin1(lines.wordStart(w), eq));
            numbers.add(lines.parseInt(eq + 1, lines.wordEnd(w)));
        }
        EnumType type;
        try {
            type = new EnumType(name, qualify(name), names, numbers);
        } catch (IllegalArgumentException e) {
            throw lines.error(e.getMessage());
        }
        if (enums.put(name, type) != null) {
            throw lines.error("enum " + name + " declared twice");
        }
        return type;
    }

    /** {@code <label> <type> <name> = <number>} in the split words, options from offset options. */
    private FieldDef readField(Body body, int options, int lineEnd) {
        if (lines.wordCount() != 5 || !lines.wordIs(3, EQUALS)) {
            throw lines.error("expected \"<label> <type> <name> = <number>\"");
        }
        boolean repeated = lines.wordIs(0, REPEATED);
        String typeWord = lines.word(1);
        String name = lines.word(2);
        int number = lines.wordInt(4);
        boolean packed = false;
        String defaultText = null;
        if (options < lineEnd) {
            int close = lineEnd - 1;
            while (close > options && lines.isBlank(close)) {
                close--;
            }
            String text = lines.utf8(options, close + 1);
            if (!text.endsWith("]")) {
                throw lines.error("expected options to end with \"]\"");
            }
            for (String option : SchemaDefaults.options(text.substring(1, text.length() - 1))) {
                if (option.equals("packed")) {
                    packed = true;
                } else if (option.startsWith("default=")) {
                    defaultText = option.substring("default=".length());
                } else {
                    throw lines.error("unknown option \"" + option + "\"");
                }
            }
        }
        return resolve(body, repeated, typeWord, name, number, packed, defaultText);
    }

    private FieldDef resolve(Body body, boolean repeated, String typeWord, String name, int number,
                             boolean packed, String defaultText) {
        FieldKind kind = FieldKind.ofScalar(typeWord);
        String typeName = typeWord;
        MessageType messageType = null;
        EnumType enumType = null;
        if (kind == null) {
            typeName = resolveTypeName(body, typeWord);
            enumType = enums.get(typeName);
            messageType = messages.get(typeName);
            kind = enumType != null ? FieldKind.ENUM : FieldKind.MESSAGE;
        }
        if (defaultText != null && (repeated || kind == FieldKind.MESSAGE)) {
            throw lines.error("field " + name + " cannot have a default");
        }
        if (packed && (!repeated || kind.isText() || kind == FieldKind.MESSAGE)) {
            throw lines.error("field " + name + " cannot be packed");
        }
        Object defaultValue = null;
        if (!repeated && kind != FieldKind.MESSAGE) {
            try {
                defaultValue = defaultText == null ? SchemaDefaults.zeroValue(kind, enumType)
                        : SchemaDefaults.parse(defaultText, kind, enumType);
            } catch (IllegalArgumentException e) {
                throw lines.error("field " + name + ": " + e.getMessage());
            }
        }
        return new FieldDef(name, number, repeated, kind, typeName, defaultValue, packed, messageType, enumType);
    }

    /**
     * Protobuf scoping: an enum nested in the enclosing message wins over a top-level type;
     * "Message.Enum" names an enum nested elsewhere.
     */
    private String resolveTypeName(Body scope, String typeWord) {
        if (!scope.enums.isEmpty()) {
            String nested = dotted(scope.type.name(), typeWord);
            if (enums.containsKey(nested)) {
                return nested;
            }
        }
        int dot = typeWord.lastIndexOf('.');
        if (dot > 0 && bodies.containsKey(typeWord.substring(0, dot))) {
            readEnums(bodies.get(typeWord.substring(0, dot)));
        }
        if (!enums.containsKey(typeWord) && !messages.containsKey(typeWord)) {
            throw lines.error("unknown type \"" + typeWord + "\"");
        }
        return typeWord;
    }

    private void expectWords(int count) {
        if (lines.wordCount() != count) {
            throw lines.error("expected " + count + " words");
        }
    }

    private String qualify(String name) {
        return packageName.isEmpty() ? name : dotted(packageName, name);
    }

    /**
     * "a.b" without the {@code +} operator: each {@code +} call site costs a one-off
     * invokedynamic bootstrap of a millisecond or more, and this runs at every start.
     */
    private static String dotted(String scope, String name) {
        return scope.concat(".").concat(name);
    }
}
