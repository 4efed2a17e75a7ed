package dev.caffemem.prototxt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A message read from a prototxt file or built in code: mutable, keeps its fields in the order
 * they first appeared, and remembers where each value came from so that later checks can
 * point at the right line.
 *
 * <p>Singular getters apply proto2 defaults: an absent field reads as its declared default or
 * its type's zero value, an absent message field as an empty message (positioned at this
 * message, so errors about it point somewhere useful). Getters and setters throw
 * IllegalArgumentException for a field name the type lacks, for a kind mismatch and for
 * using a singular accessor on a repeated field (or the reverse): those are programming errors.
 *
 * <p>Not thread-safe; a message is meant to be read and rewritten by one thread.
 */
public final class Message {

    private final MessageType type;
    private SourcePos pos;
    private final FieldSlot[] slots;
    private final ArrayList<FieldSlot> order = new ArrayList<>(4);

    public Message(MessageType type) {
        this(type, null);
    }

    Message(MessageType type, SourcePos pos) {
        this.type = type;
        this.pos = pos;
        this.slots = new FieldSlot[type.fieldCount()];
    }

    public MessageType type() {
        return type;
    }

    /** Where the message started (its field name, or "{" in a list); null when built in code. */
    public SourcePos pos() {
        return pos;
    }

    /** Sets where this message is said to come from, e.g. for a layer built by an upgrade. */
    public Message setPos(SourcePos pos) {
        this.pos = pos;
        return this;
    }

    /** Whether the field is set (for a repeated field: has at least one value). */
    public boolean has(String field) {
        return slots[ref(field, FieldAccess.Want.ANY, null).index()] != null;
    }

    /** How many values the field has (0 or 1 for a singular field). */
    public int count(String field) {
        FieldSlot slot = slots[ref(field, FieldAccess.Want.ANY, null).index()];
        return slot == null ? 0 : slot.values.size();
    }

    // ---- singular getters (absent -> default) ----

    /** The value as stored (see {@link FieldKind}), or the default when absent. */
    public Object get(String field) {
        return singular(ref(field, FieldAccess.Want.ANY, false));
    }

    public long getLong(String field) {
        return (Long) singular(ref(field, FieldAccess.Want.INTEGER, false));
    }

    /** The value as an int; PrototxtException at the value's position if it does not fit. */
    public int getInt(String field) {
        return toInt(field, getLong(field), pos(field));
    }

    public double getDouble(String field) {
        return (Double) singular(ref(field, FieldAccess.Want.FLOATING, false));
    }

    public float getFloat(String field) {
        return (float) getDouble(field);
    }

    public boolean getBool(String field) {
        return (Boolean) singular(ref(field, FieldAccess.Want.BOOL, false));
    }

    public String getString(String field) {
        return (String) singular(ref(field, FieldAccess.Want.TEXT, false));
    }

    /** The enum value's name. */
    public String getEnum(String field) {
        return (String) singular(ref(field, FieldAccess.Want.ENUM, false));
    }

    /** The sub-message, or a new empty one (not attached to this message) when absent. */
    public Message getMessage(String field) {
        return (Message) singular(ref(field, FieldAccess.Want.MESSAGE, false));
    }

    // ---- repeated getters (absent -> empty list); lists are copies, sub-messages are live ----

    public List<Long> getLongs(String field) {
        return repeated(field, FieldAccess.Want.INTEGER);
    }

    public List<Double> getDoubles(String field) {
        return repeated(field, FieldAccess.Want.FLOATING);
    }

    public List<String> getStrings(String field) {
        return repeated(field, FieldAccess.Want.TEXT);
    }

    public List<Boolean> getBools(String field) {
        return repeated(field, FieldAccess.Want.BOOL);
    }

    public List<String> getEnums(String field) {
        return repeated(field, FieldAccess.Want.ENUM);
    }

    public List<Message> getMessages(String field) {
        return repeated(field, FieldAccess.Want.MESSAGE);
    }

    public long getLong(String field, int index) {
        return (Long) element(field, FieldAccess.Want.INTEGER, index);
    }

    public int getInt(String field, int index) {
        return toInt(field, getLong(field, index), pos(field, index));
    }

    public double getDouble(String field, int index) {
        return (Double) element(field, FieldAccess.Want.FLOATING, index);
    }

    public float getFloat(String field, int index) {
        return (float) getDouble(field, index);
    }

    public boolean getBool(String field, int index) {
        return (Boolean) element(field, FieldAccess.Want.BOOL, index);
    }

    public String getString(String field, int index) {
        return (String) element(field, FieldAccess.Want.TEXT, index);
    }

    public String getEnum(String field, int index) {
        return (String) element(field, FieldAccess.Want.ENUM, index);
    }

    public Message getMessage(String field, int index) {
        return (Message) element(field, FieldAccess.Want.MESSAGE, index);
    }

    /** The values present, singular or repeated, without defaults (a copy). */
    public List<Object> values(String field) {
        FieldSlot slot = slots[ref(field, FieldAccess.Want.ANY, null).index()];
        return slot == null ? List.of() : List.copyOf(slot.values);
    }

    // ---- positions ----

    /** Where the field's first value came from, or this message's position if absent or set in code. */
    public SourcePos pos(String field) {
        FieldSlot slot = slots[ref(field, FieldAccess.Want.ANY, null).index()];
        return slot == null ? pos : orMine(slot.positions.get(0));
    }

    public SourcePos pos(String field, int index) {
        FieldSlot slot = slots[ref(field, FieldAccess.Want.ANY, null).index()];
        if (slot == null) {
            throw new IndexOutOfBoundsException("field \"" + field + "\" has no values");
        }
        return orMine(slot.positions.get(index));
    }

    /** Names of the set fields in the order they first appeared. */
    public List<String> presentFields() {
        List<String> names = new ArrayList<>(order.size());
        for (FieldSlot slot : order) {
            names.add(slot.def.name());
        }
        return names;
    }

    /** The values of the set message fields, singular and repeated, in field order; live, not copies. */
    public List<Message> presentMessages() {
        List<Message> out = new ArrayList<>();
        for (FieldSlot slot : order) {
            if (slot.def.kind() == FieldKind.MESSAGE) {
                for (Object v : slot.values) {
                    out.add((Message) v);
                }
            }
        }
        return out;
    }

    // ---- mutation ----

    /**
     * Replaces the field's value. A singular field keeps the position of the value it replaces;
     * a repeated field takes a collection of values (an empty one clears it).
     */
    public Message set(String field, Object value) {
        FieldAccess.FieldRef ref = ref(field, FieldAccess.Want.ANY, null);
        int index = ref.index();
        if (ref.repeated()) {
            if (!(value instanceof Collection<?> values)) {
                throw new IllegalArgumentException("field \"" + field + "\" is repeated: set it to a collection or use add");
            }
            List<Object> coerced = new ArrayList<>(values.size());
            for (Object v : values) {
                coerced.add(Values.coerce(ref.field(), v));
            }
            clear(field);
            for (Object v : coerced) {
                append(index, v, null);
            }
            return this;
        }
        Object coerced = Values.coerce(ref.field(), value);
        FieldSlot slot = slots[index];
        if (slot == null) {
            append(index, coerced, null);
        } else {
            slot.values.set(0, coerced);
        }
        return this;
    }

    /** Appends a value to a repeated field. */
    public Message add(String field, Object value) {
        FieldAccess.FieldRef ref = ref(field, FieldAccess.Want.ANY, true);
        append(ref.index(), Values.coerce(ref.field(), value), null);
        return this;
    }

    /** Appends a new empty sub-message to a repeated message field and returns it. */
    public Message addMessage(String field) {
        FieldAccess.FieldRef ref = ref(field, FieldAccess.Want.MESSAGE, true);
        Message child = new Message(ref.field().messageType());
        append(ref.index(), child, null);
        return child;
    }

    /** The singular sub-message, set to a new empty one first if absent. */
    public Message mutableMessage(String field) {
        FieldAccess.FieldRef ref = ref(field, FieldAccess.Want.MESSAGE, false);
        FieldSlot slot = slots[ref.index()];
        if (slot != null) {
            return (Message) slot.values.get(0);
        }
        Message child = new Message(ref.field().messageType());
        append(ref.index(), child, null);
        return child;
    }

    public Message clear(String field) {
        int index = ref(field, FieldAccess.Want.ANY, null).index();
        FieldSlot slot = slots[index];
        if (slot != null) {
            slots[index] = null;
            order.remove(slot);
        }
        return this;
    }

    /** A deep copy; positions are kept. */
    public Message copy() {
        Message copy = new Message(type, pos);
        for (FieldSlot slot : order) {
            FieldSlot copied = slot.copy();
            copy.slots[slot.index] = copied;
            copy.order.add(copied);
        }
        return copy;
    }

    // ---- used by the parser and printer (no checks: the schema already vouched) ----

    boolean hasField(int index) {
        return slots[index] != null;
    }

    void append(int index, Object value, SourcePos valuePos) {
        FieldSlot slot = slots[index];
        if (slot == null) {
            slot = new FieldSlot(type.field(index), index);
            slots[index] = slot;
            order.add(slot);
        }
        slot.add(value, valuePos);
    }

    List<FieldSlot> slotsInOrder() {
        return order;
    }

    // ---- equality: structural, positions and field order ignored ----

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Message other) || !type.fullName().equals(other.type.fullName())
                || order.size() != other.order.size()) {
            return false;
        }
        for (FieldSlot slot : order) {
            FieldSlot theirs = other.slots[slot.index];
            if (theirs == null || !slot.values.equals(theirs.values)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = type.fullName().hashCode();
        for (FieldSlot slot : order) {
            hash += 31 * slot.index + slot.values.hashCode();
        }
        return hash;
    }

    /** The type's name and the message in text format, for debugging and test failures. */
    @Override
    public String toString() {
        return type.fullName() + " {\n" + TextFormat.print(this).indent(2) + "}";
    }

    // ---- helpers ----

    private FieldAccess.FieldRef ref(String field, FieldAccess.Want want, Boolean repeated) {
        return FieldAccess.ref(type, field, want, repeated);
    }

    private Object singular(FieldAccess.FieldRef ref) {
        FieldSlot slot = slots[ref.index()];
        if (slot != null) {
            return slot.values.get(0);
        }
        FieldDef def = ref.field();
        return def.kind() == FieldKind.MESSAGE ? new Message(def.messageType(), pos) : def.defaultValue();
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> repeated(String field, FieldAccess.Want want) {
        FieldSlot slot = slots[ref(field, want, true).index()];
        return slot == null ? List.of() : (List<T>) List.copyOf(slot.values);
    }

    private Object element(String field, FieldAccess.Want want, int index) {
        FieldSlot slot = slots[ref(field, want, true).index()];
        if (slot == null) {
            throw new IndexOutOfBoundsException("field \"" + field + "\" has no values");
        }
        return slot.values.get(index);
    }

    private SourcePos orMine(SourcePos valuePos) {
        return valuePos != null ? valuePos : pos;
    }

    private static int toInt(String field, long value, SourcePos at) {
        if (value != (int) value) {
            throw new PrototxtException(at, "value " + value + " of field \"" + field
                    + "\" does not fit in a 32-bit int");
        }
        return (int) value;
    }
}
