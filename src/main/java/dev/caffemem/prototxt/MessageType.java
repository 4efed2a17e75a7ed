package dev.caffemem.prototxt;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A message type of the schema. Its fields are kept in declaration order; a {@link Message}
 * stores values by a field's index in that order. Fields are read from the schema text the
 * first time they are needed (see {@link SchemaReader}).
 */
public final class MessageType {

    /** The fields and a name index, published together once read. */
    private record Layout(FieldDef[] fields, Map<String, Integer> indexByName) {
    }

    private final String name;
    private final String fullName;
    private final SchemaReader reader;
    private volatile Layout layout;

    MessageType(String name, String fullName, SchemaReader reader) {
        this.name = name;
        this.fullName = fullName;
        this.reader = reader;
    }

    /**
     * For types built without a schema text (tests). Fields are attached after construction
     * because message types refer to each other, so every type must exist first.
     */
    MessageType(String name, String fullName) {
        this(name, fullName, null);
    }

    void define(List<FieldDef> declared) {
        if (layout != null) {
            throw new IllegalStateException(fullName + " is already defined");
        }
        layout = layoutOf(declared);
    }

    /** The name as written in caffe.proto ("LayerParameter"). */
    public String name() {
        return name;
    }

    /** The name with its package ("caffe.LayerParameter"), as protobuf's messages use it. */
    public String fullName() {
        return fullName;
    }

    /** The field with that name, or null if this type has none. */
    public FieldDef field(String fieldName) {
        Layout l = layout();
        Integer i = l.indexByName().get(fieldName);
        return i == null ? null : l.fields()[i];
    }

    /** The field with that number, or null if this type has none. */
    public FieldDef fieldByNumber(int number) {
        for (FieldDef f : layout().fields()) {
            if (f.number() == number) {
                return f;
            }
        }
        return null;
    }

    /** All fields in declaration order. */
    public List<FieldDef> fields() {
        return List.of(layout().fields());
    }

    int indexOf(String fieldName) {
        Integer i = layout().indexByName().get(fieldName);
        return i == null ? -1 : i;
    }

    FieldDef field(int index) {
        return layout().fields()[index];
    }

    int fieldCount() {
        return layout().fields().length;
    }

    private Layout layout() {
        Layout l = layout;
        if (l == null) {
            if (reader == null) {
                throw new IllegalStateException(fullName + " has no fields defined");
            }
            synchronized (reader) {
                l = layout;
                if (l == null) {
                    l = layoutOf(reader.fieldsOf(this));
                    layout = l;
                }
            }
        }
        return l;
    }

    private Layout layoutOf(List<FieldDef> declared) {
        FieldDef[] fields = declared.toArray(new FieldDef[0]);
        Map<String, Integer> index = new HashMap<>(fields.length * 2);
        for (int i = 0; i < fields.length; i++) {
            if (index.put(fields[i].name(), i) != null) {
                throw new IllegalStateException(fullName + " declares field " + fields[i].name() + " twice");
            }
        }
        return new Layout(fields, index);
    }

    @Override
    public String toString() {
        // Only the name: field definitions point back at their types, so printing more loops.
        return fullName;
    }
}
