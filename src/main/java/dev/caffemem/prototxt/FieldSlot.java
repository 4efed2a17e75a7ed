package dev.caffemem.prototxt;

import java.util.ArrayList;

/**
 * The values of one present field of a {@link Message}, each with the place it came from
 * (null for a value set in code). A singular field holds exactly one value; a slot is never
 * left empty (an empty field has no slot).
 */
final class FieldSlot {

    final FieldDef def;
    final int index;
    final ArrayList<Object> values = new ArrayList<>(2);
    final ArrayList<SourcePos> positions = new ArrayList<>(2);

    FieldSlot(FieldDef def, int index) {
        this.def = def;
        this.index = index;
    }

    void add(Object value, SourcePos pos) {
        values.add(value);
        positions.add(pos);
    }

    /** A deep copy: sub-messages are copied too, positions are kept. */
    FieldSlot copy() {
        FieldSlot copy = new FieldSlot(def, index);
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            copy.add(value instanceof Message m ? m.copy() : value, positions.get(i));
        }
        return copy;
    }
}
