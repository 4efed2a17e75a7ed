package dev.caffemem.prototxt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the schema line format (described at the top of {@code caffe-1.0.schema}), lazily, from
 * one or more layers: Caffe 1.0's schema first, then overlays that add a fork's messages, enums
 * and fields ({@code extend <Message>} adds fields to a message of a layer below). A layer may
 * only add: a name or field number used twice is an error, so the layers below stay as they are.
 *
 * <p>At start-up it only indexes the text: the package, top-level enums, and where each
 * message's body (and each overlay's part of it) lies. A message's nested enums and fields are
 * read the first time the message is used, since a run needs a fraction of caffe.proto's 61
 * messages and this runs at every CLI start. A malformed schema is a bug in a resource: it is
 * reported as IllegalStateException naming the layer and line, when the part holding it is read
 * (a test reads everything).
 *
 * <p>Reading is synchronized on this object; a {@link MessageType} publishes its fields through
 * a volatile field, so the parser's hot path takes no lock.
 */
final class SchemaReader {

    private static final byte[] OPTIONAL = SchemaLines.ascii("optional");
    private static final byte[] REPEATED = SchemaLines.ascii("repeated");
    private static final byte[] ENUM = SchemaLines.ascii("enum");
    private static final byte[] MESSAGE = SchemaLines.ascii("message");
    private static final byte[] EXTEND = SchemaLines.ascii("extend");
    private static final byte[] PACKAGE = SchemaLines.ascii("package");
    private static final byte[] SOURCE = SchemaLines.ascii("source");
    private static final byte[] EQUALS = SchemaLines.ascii("=");

    /** The layer being indexed or the body being read: errors name its source and line. */
    private SchemaLines lines;
    private String packageName = "";
    private final List<String> sources = new ArrayList<>();
    private final Map<String, MessageType> messages = new LinkedHashMap<>();
    private final Map<String, SchemaBody> bodies = new HashMap<>();
    /** Enums read so far by scoped name: all top-level ones, nested ones as their message is read. */
    private final Map<String, EnumType> enums = new HashMap<>();
    /** Top-level enums and message bodies in file order, to list enums in declaration order. */
    private final List<Object> declarations = new ArrayList<>();

    private SchemaReader() {
    }

    static Schema read(byte[] utf8, String source) {
        return read(List.of(utf8), List.of(source));
    }

    /** Indexes the layers in order: the first is the base schema, the others overlays on it. */
    static Schema read(List<byte[]> layers, List<String> sourceNames) {
        SchemaReader reader = new SchemaReader();
        for (int i = 0; i < layers.size(); i++) {
            reader.lines = new SchemaLines(layers.get(i), sourceNames.get(i));
            reader.index(i > 0);
        }
        return new Schema(reader.packageName, reader.messages, reader);
    }

    /** Each layer's {@code source} line: what it transcribes, and from where. */
    synchronized List<String> sources() {
        return List.copyOf(sources);
    }

    // ---- start-up: index the top level ----

    private void index(boolean overlay) {
        int sourceCount = sources.size();
        SchemaBody current = null;
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
                    current = readTopLevel(first, end, overlay);
                } else if (current == null) {
                    throw lines.error("indented line outside a message");
                }
            }
            start = end + 1;
        }
        if (overlay && sources.size() == sourceCount) {
            // a fork's fields are facts from its caffe.proto: the overlay says which one
            throw lines.error("an overlay must cite the fork's proto file on a \"source\" line");
        }
    }

    /** Reads a package, source, enum, message or extend line; returns the body a message or extend line starts. */
    private SchemaBody readTopLevel(int first, int end, boolean overlay) {
        lines.splitWords(first, end);
        if (lines.wordIs(0, MESSAGE)) {
            expectWords(2);
            String name = lines.word(1);
            if (messages.containsKey(name)) {
                throw lines.error("message " + name + " declared twice" + (overlay ? " (\"extend " + name
                        + "\" adds fields to it)" : ""));
            }
            MessageType type = new MessageType(name, qualify(name), this);
            SchemaBody body = new SchemaBody(type, lines, end + 1, lines.lineNumber + 1);
            messages.put(name, type);
            bodies.put(name, body);
            declarations.add(body);
            return body;
        }
        if (lines.wordIs(0, EXTEND)) {
            expectWords(2);
            if (!overlay) {
                throw lines.error("\"extend\" belongs in an overlay; the base schema declares its messages whole");
            }
            SchemaBody owner = bodies.get(lines.word(1));
            if (owner == null) {
                throw lines.error("cannot extend \"" + lines.word(1) + "\": no such message above this line");
            }
            SchemaBody part = new SchemaBody(owner.type, lines, end + 1, lines.lineNumber + 1);
            owner.extensions.add(part);
            return part;
        }
        if (lines.wordIs(0, ENUM)) {
            declarations.add(readEnum(null));
            return null;
        }
        if (lines.wordIs(0, PACKAGE)) {
            expectWords(2);
            if (overlay && !lines.word(1).equals(packageName)) {
                throw lines.error("package " + lines.word(1) + " differs from the base schema's " + packageName);
            }
            packageName = lines.word(1);
            return null;
        }
        if (lines.wordIs(0, SOURCE)) {
            if (lines.wordCount() < 2) {
                throw lines.error("expected \"source <repository> <path of the .proto file>\"");
            }
            sources.add(lines.utf8(lines.wordStart(1), lines.wordEnd(lines.wordCount() - 1)));
            return null;
        }
        throw lines.error("unknown declaration \"" + lines.word(0) + "\"");
    }

    // ---- on demand: message bodies ----

    /**
     * The fields of a message, read from its body and then from each overlay's part, in layer
     * order; called once per type, by MessageType.
     */
    synchronized List<FieldDef> fieldsOf(MessageType type) {
        SchemaBody body = bodies.get(type.name());
        readEnums(body);
        Map<Object, FieldDef> seen = new HashMap<>();
        List<FieldDef> fields = new ArrayList<>();
        scanBody(body, body, fields, seen);
        for (SchemaBody part : body.extensions) {
            scanBody(part, body, fields, seen);
        }
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

    /** All enums, top-level and nested, in declaration order (an overlay's nested ones after the base's). */
    synchronized List<EnumType> allEnums() {
        List<EnumType> all = new ArrayList<>();
        for (Object declaration : declarations) {
            if (declaration instanceof EnumType e) {
                all.add(e);
            } else {
                SchemaBody body = (SchemaBody) declaration;
                readEnums(body);
                all.addAll(body.enums);
            }
        }
        return all;
    }

    /** Reads the enums nested in a message, from its body and every part overlays add. */
    private void readEnums(SchemaBody body) {
        if (body.enums == null) {
            body.enums = new ArrayList<>(2);
            scanBody(body, body, null, null);
            for (SchemaBody part : body.extensions) {
                scanBody(part, body, null, null);
            }
        }
    }

    /**
     * Goes through the lines of part, a part of owner's message: with fields null, reads its
     * nested enums into owner.enums; otherwise resolves its fields into fields (the enums must
     * have been read), checking names and numbers against seen. Resolving a type may read another
     * message's enums, so the layer and line being read are restored afterwards.
     */
    private void scanBody(SchemaBody part, SchemaBody owner, List<FieldDef> fields, Map<Object, FieldDef> seen) {
        SchemaLines outer = lines;
        int outerLine = outer == null ? 0 : outer.lineNumber;
        lines = part.text;
        lines.lineNumber = part.firstLine - 1;
        int start = part.start;
        while (start < part.end) {
            int end = Math.min(lines.lineEnd(start), part.end);
            lines.lineNumber++;
            int first = lines.skipBlanks(start, end);
            if (first < end && !lines.isComment(first)) {
                int options = lines.optionsStart(first, end);
                lines.splitWords(first, options);
                if (lines.wordIs(0, ENUM)) {
                    if (fields == null) {
                        owner.enums.add(readEnum(owner.type.name()));
                    }
                } else if (lines.wordIs(0, OPTIONAL) || lines.wordIs(0, REPEATED)) {
                    if (fields != null) {
                        SchemaDefaults.FieldOptions parsed = fieldOptions(options, end);
                        if (parsed.clashes() != null && part == owner) {
                            throw lines.error("\"clashes\" belongs in an overlay (a fork's number a layer below took)");
                        }
                        fields.add(unique(owner, readField(owner, parsed), seen, parsed.clashes()));
                    }
                } else {
                    throw lines.error("expected a field or an enum, found \"" + lines.word(0) + "\"");
                }
            }
            start = end + 1;
        }
        lines = outer;
        if (outer != null) {
            outer.lineNumber = outerLine;
        }
    }

    /**
     * The field, if no field before it in the message (in any layer) has its name or number; a number may be
     * shared only with the field that {@code clashes} names, which must hold it.
     */
    private FieldDef unique(SchemaBody owner, FieldDef field, Map<Object, FieldDef> seen, String clashes) {
        if (seen.putIfAbsent(field.name(), field) != null) {
            throw lines.error(owner.type.name() + " declares field " + field.name() + " twice");
        }
        FieldDef other = seen.putIfAbsent(field.number(), field);
        if (clashes != null && (other == null || !other.name().equals(clashes))) {
            throw lines.error(owner.type.name() + "." + field.name() + " says it clashes with " + clashes
                    + ", but number " + field.number() + " is " + (other == null ? "free" : "field " + other.name() + "'s"));
        }
        if (other != null && clashes == null) {
            throw lines.error(owner.type.name() + "." + field.name() + " reuses number " + field.number()
                    + " of field " + other.name());
        }
        return field;
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

    /** The options of a field line, from offset options to the line's end. */
    private SchemaDefaults.FieldOptions fieldOptions(int options, int lineEnd) {
        if (options >= lineEnd) {
            return SchemaDefaults.FieldOptions.NONE;
        }
        int close = lineEnd - 1;
        while (close > options && lines.isBlank(close)) {
            close--;
        }
        try {
            return SchemaDefaults.FieldOptions.parse(lines.utf8(options, close + 1));
        } catch (IllegalArgumentException e) {
            throw lines.error(e.getMessage());
        }
    }

    /** {@code <label> <type> <name> = <number>} in the split words, with its parsed options. */
    private FieldDef readField(SchemaBody body, SchemaDefaults.FieldOptions parsed) {
        if (lines.wordCount() != 5 || !lines.wordIs(3, EQUALS)) {
            throw lines.error("expected \"<label> <type> <name> = <number>\"");
        }
        boolean repeated = lines.wordIs(0, REPEATED);
        String typeWord = lines.word(1);
        String name = lines.word(2);
        int number = lines.wordInt(4);
        return resolve(body, repeated, typeWord, name, number, parsed);
    }

    private FieldDef resolve(SchemaBody body, boolean repeated, String typeWord, String name, int number,
                             SchemaDefaults.FieldOptions options) {
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
        Object defaultValue;
        try {
            defaultValue = options.defaultValue(name, repeated, kind, enumType);
        } catch (IllegalArgumentException e) {
            throw lines.error(e.getMessage());
        }
        return new FieldDef(name, number, repeated, kind, typeName, defaultValue, options.packed(), messageType,
                enumType);
    }

    /**
     * Protobuf scoping: an enum nested in the enclosing message wins over a top-level type;
     * "Message.Enum" names an enum nested elsewhere.
     */
    private String resolveTypeName(SchemaBody scope, String typeWord) {
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
