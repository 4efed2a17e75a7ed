package dev.caffemem.prototxt;

/**
 * How {@link Message}'s accessors find a field: by name in the message's type, checked against the kind and
 * the cardinality the accessor reads. A mismatch is a programming error (IllegalArgumentException), never a
 * user's: the parser has already checked the file against the schema.
 */
final class FieldAccess {

    private FieldAccess() {
    }

    /** Which field kinds an accessor can read; a mismatch is a programming error. */
    enum Want {
        INTEGER("an integer"), FLOATING("a float or double"), BOOL("a bool"), TEXT("a string"),
        ENUM("an enum"), MESSAGE("a message"), ANY("any");

        final String description;

        Want(String description) {
            this.description = description;
        }

        boolean accepts(FieldKind kind) {
            return switch (this) {
                case INTEGER -> kind.isInteger();
                case FLOATING -> kind.isFloatingPoint();
                case BOOL -> kind == FieldKind.BOOL;
                case TEXT -> kind.isText();
                case ENUM -> kind == FieldKind.ENUM;
                case MESSAGE -> kind == FieldKind.MESSAGE;
                case ANY -> true;
            };
        }
    }

    /** A field looked up for an accessor: its definition and its index in the type. */
    record FieldRef(FieldDef field, int index) {
        boolean repeated() {
            return field.repeated();
        }
    }

    /**
     * Looks up a field and checks the accessor fits it.
     *
     * @param repeated true/false to require a repeated/singular field, null to accept both
     */
    static FieldRef ref(MessageType type, String field, Want want, Boolean repeated) {
        int index = type.indexOf(field);
        if (index < 0) {
            throw new IllegalArgumentException("Message type \"" + type.fullName()
                    + "\" has no field named \"" + field + "\".");
        }
        FieldDef def = type.field(index);
        if (!want.accepts(def.kind())) {
            throw new IllegalArgumentException("field \"" + field + "\" of " + type.fullName() + " is "
                    + def.describeType() + ", not " + want.description);
        }
        if (repeated != null && def.repeated() != repeated) {
            throw new IllegalArgumentException("field \"" + field + "\" of " + type.fullName()
                    + (def.repeated() ? " is repeated: use the list or indexed accessors"
                    : " is not repeated: use the singular accessors"));
        }
        return new FieldRef(def, index);
    }
}
