package dev.caffemem.prototxt;

import dev.caffemem.probe.CaffeProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares a {@link Schema} with the caffe.proto that libcaffe's descriptor describes: every
 * message, field (number, label, type, enum or message type, packed, the value an absent field
 * reads as), enum and enum value, and declaration order. Each finding names its item by full name
 * and, where the schema lacks or misstates something, gives the line the schema should have.
 */
final class SchemaDiff {

    /** MISSING: only in Caffe; EXTRA: only in the schema; UNSUPPORTED: Caffe uses what the format cannot say. */
    enum Kind { MISSING, EXTRA, DIFFERENT, UNSUPPORTED }

    record Finding(Kind kind, String where, String what) {
        @Override
        public String toString() {
            return kind + " " + where + ": " + what;
        }
    }

    private final Schema schema;
    private final CaffeProto proto;
    private final String prefix;
    private final List<Finding> findings = new ArrayList<>();

    private SchemaDiff(Schema schema, CaffeProto proto) {
        this.schema = schema;
        this.proto = proto;
        this.prefix = proto.packageName().isEmpty() ? "" : proto.packageName() + ".";
    }

    static List<Finding> compare(Schema schema, CaffeProto proto) {
        SchemaDiff diff = new SchemaDiff(schema, proto);
        diff.compareFile();
        return diff.findings;
    }

    private void add(Kind kind, String where, String what) {
        findings.add(new Finding(kind, where, what));
    }

    private void compareFile() {
        if (!schema.packageName().equals(proto.packageName())) {
            add(Kind.DIFFERENT, "package", "schema " + schema.packageName() + ", Caffe " + proto.packageName());
        }
        if (!proto.syntax().equals("proto2")) {
            add(Kind.UNSUPPORTED, proto.file(), "syntax " + proto.syntax());
        }
        if (proto.extensionCount() > 0) {
            add(Kind.UNSUPPORTED, proto.file(), proto.extensionCount() + " extensions");
        }
        Map<String, CaffeProto.MessageInfo> caffeMessages = new LinkedHashMap<>();
        Map<String, CaffeProto.EnumInfo> caffeEnums = new LinkedHashMap<>();
        proto.enums().forEach(e -> caffeEnums.put(e.fullName(), e));
        proto.messages().forEach(m -> collect(m, caffeMessages, caffeEnums, false));
        compareEnums(caffeEnums);
        compareMessages(caffeMessages);
    }

    private void collect(CaffeProto.MessageInfo m, Map<String, CaffeProto.MessageInfo> messages,
                         Map<String, CaffeProto.EnumInfo> enums, boolean nested) {
        if (nested) {
            add(Kind.UNSUPPORTED, m.fullName(), "a nested message (the schema format has only top-level ones)");
        }
        messages.put(m.fullName(), m);
        m.enums().forEach(e -> enums.put(e.fullName(), e));
        m.nested().forEach(n -> collect(n, messages, enums, true));
    }

    private void compareEnums(Map<String, CaffeProto.EnumInfo> caffeEnums) {
        Map<String, EnumType> ours = new LinkedHashMap<>();
        schema.enums().forEach(e -> ours.put(e.fullName(), e));
        for (CaffeProto.EnumInfo e : caffeEnums.values()) {
            EnumType mine = ours.get(e.fullName());
            if (mine == null) {
                add(Kind.MISSING, e.fullName(), "not in the schema; Caffe: \"" + enumLine(e) + "\"");
            } else if (!values(mine).equals(values(e))) {
                add(Kind.DIFFERENT, e.fullName(), "values: schema " + values(mine) + ", Caffe " + values(e));
            }
        }
        for (String name : ours.keySet()) {
            if (!caffeEnums.containsKey(name)) {
                add(Kind.EXTRA, name, "in the schema, not in Caffe's " + proto.file());
            }
        }
        List<String> caffeTop = proto.enums().stream().map(CaffeProto.EnumInfo::fullName).toList();
        List<String> ourTop = ours.values().stream().filter(e -> e.name().indexOf('.') < 0)
                .map(EnumType::fullName).toList();
        compareOrder(proto.file(), "top-level enum", ourTop, caffeTop);
    }

    private void compareMessages(Map<String, CaffeProto.MessageInfo> caffeMessages) {
        Map<String, MessageType> ours = new LinkedHashMap<>();
        schema.messages().forEach(m -> ours.put(m.fullName(), m));
        for (CaffeProto.MessageInfo m : caffeMessages.values()) {
            MessageType mine = ours.get(m.fullName());
            if (mine == null) {
                add(Kind.MISSING, m.fullName(), "not in the schema; Caffe: " + messageLines(m));
            } else {
                compareFields(mine, m);
                List<String> ourEnums = schema.enums().stream()
                        .filter(e -> e.name().startsWith(mine.name() + ".")).map(EnumType::fullName).toList();
                compareOrder(m.fullName(), "nested enum", ourEnums,
                        m.enums().stream().map(CaffeProto.EnumInfo::fullName).toList());
            }
        }
        for (String name : ours.keySet()) {
            if (!caffeMessages.containsKey(name)) {
                add(Kind.EXTRA, name, "in the schema, not in Caffe's " + proto.file());
            }
        }
        compareOrder(proto.file(), "message", List.copyOf(ours.keySet()), List.copyOf(caffeMessages.keySet()));
    }

    private void compareFields(MessageType mine, CaffeProto.MessageInfo m) {
        for (CaffeProto.FieldInfo f : m.fields()) {
            String where = m.fullName() + "." + f.name();
            FieldDef ours = mine.field(f.name());
            if (f.oneof() != null) {
                add(Kind.UNSUPPORTED, where, "in oneof " + f.oneof());
            }
            if (ours == null) {
                add(Kind.MISSING, where, "not in the schema; Caffe: \"" + fieldLine(m, f) + "\"");
                continue;
            }
            List<String> differences = new ArrayList<>();
            differ(differences, "label", ours.repeated() ? "repeated" : "optional", f.label());
            differ(differences, "type", typeOf(ours), f.type());
            differ(differences, "type name", fullTypeName(ours), f.typeName());
            // a default follows from the label and type: compare it only where those agree
            if (differences.isEmpty() && !sameDefault(ours, f)) {
                differences.add("default: schema " + ours.defaultValue() + ", Caffe " + f.defaultValue());
            }
            differ(differences, "number", ours.number(), f.number());
            differ(differences, "packed", ours.packed(), f.packed());
            if (!differences.isEmpty()) {
                add(Kind.DIFFERENT, where, String.join("; ", differences) + "; Caffe: \"" + fieldLine(m, f) + "\"");
            }
        }
        List<String> caffeNames = m.fields().stream().map(CaffeProto.FieldInfo::name).toList();
        for (FieldDef ours : mine.fields()) {
            if (!caffeNames.contains(ours.name())) {
                add(Kind.EXTRA, m.fullName() + "." + ours.name(), "in the schema (number " + ours.number()
                        + "), not in Caffe's " + proto.file());
            }
        }
        compareOrder(m.fullName(), "field", mine.fields().stream().map(FieldDef::name).toList(), caffeNames);
    }

    /** The order of the items both sides have (missing and extra ones are reported on their own). */
    private void compareOrder(String where, String what, List<String> ours, List<String> caffe) {
        List<String> common = caffe.stream().filter(ours::contains).toList();
        List<String> ourCommon = ours.stream().filter(caffe::contains).toList();
        if (!ourCommon.equals(common)) {
            add(Kind.DIFFERENT, where, what + " order: schema " + ourCommon + ", Caffe " + common);
        }
    }

    private static void differ(List<String> out, String what, Object ours, Object caffe) {
        if (!Objects.equals(ours, caffe)) {
            out.add(what + ": schema " + ours + ", Caffe " + caffe);
        }
    }

    private static String typeOf(FieldDef f) {
        return switch (f.kind()) {
            case ENUM -> "enum";
            case MESSAGE -> "message";
            default -> f.kind().protoName();
        };
    }

    private static String fullTypeName(FieldDef f) {
        return f.enumType() != null ? f.enumType().fullName() : f.messageType() != null ? f.messageType().fullName() : null;
    }

    /** Whether an absent field reads the same: floats compared as the float Caffe stores. */
    private static boolean sameDefault(FieldDef ours, CaffeProto.FieldInfo f) {
        Object mine = ours.defaultValue();
        String theirs = f.defaultValue();
        if (mine == null || theirs == null) {
            return mine == null && theirs == null;
        }
        try {
            return switch (ours.kind()) {
                case INT32, INT64 -> (Long) mine == Long.parseLong(theirs);
                case UINT32, UINT64 -> (Long) mine == Long.parseUnsignedLong(theirs);
                case FLOAT -> Float.compare((float) (double) (Double) mine, Float.parseFloat(theirs)) == 0;
                case DOUBLE -> Double.compare((Double) mine, Double.parseDouble(theirs)) == 0;
                case BOOL -> mine.equals(Boolean.parseBoolean(theirs));
                case STRING, BYTES, ENUM -> mine.equals(theirs);
                case MESSAGE -> false;
            };
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static List<String> values(EnumType e) {
        return e.valueNames().stream().map(v -> v + "=" + e.number(v)).toList();
    }

    private static List<String> values(CaffeProto.EnumInfo e) {
        return e.values().stream().map(v -> v.name() + "=" + v.number()).toList();
    }

    // ---- the schema's lines for what Caffe declares ----

    private String local(String fullName) {
        return fullName.startsWith(prefix) ? fullName.substring(prefix.length()) : fullName;
    }

    private String enumLine(CaffeProto.EnumInfo e) {
        String name = local(e.fullName());
        StringBuilder line = new StringBuilder("enum ").append(name.substring(name.lastIndexOf('.') + 1));
        e.values().forEach(v -> line.append(' ').append(v.name()).append('=').append(v.number()));
        return line.toString();
    }

    private String messageLines(CaffeProto.MessageInfo m) {
        StringBuilder lines = new StringBuilder("\"message " + local(m.fullName()) + "\"");
        m.enums().forEach(e -> lines.append(", \"  ").append(enumLine(e)).append('"'));
        m.fields().forEach(f -> lines.append(", \"  ").append(fieldLine(m, f)).append('"'));
        return lines.toString();
    }

    /** The field as a schema line; a type nested in the field's own message is named without its scope. */
    private String fieldLine(CaffeProto.MessageInfo m, CaffeProto.FieldInfo f) {
        String type = f.typeName() == null ? f.type() : local(f.typeName());
        String scope = local(m.fullName()) + ".";
        if (type.startsWith(scope)) {
            type = type.substring(scope.length());
        }
        List<String> options = new ArrayList<>();
        if (f.packed()) {
            options.add("packed");
        }
        if (f.hasDefault()) {
            boolean quoted = f.type().equals("string") || f.type().equals("bytes");
            String value = f.defaultValue();
            options.add("default=" + (quoted ? '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"' : value));
        }
        return f.label() + " " + type + " " + f.name() + " = " + f.number()
                + (options.isEmpty() ? "" : " [" + String.join(", ", options) + "]");
    }
}
