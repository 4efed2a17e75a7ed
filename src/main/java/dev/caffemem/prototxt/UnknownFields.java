package dev.caffemem.prototxt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields a lenient parse skipped because the schema does not know them (a fork's field with no
 * overlay, a typo): each field of each message type once, with where it first appeared and how often.
 * Protobuf's {@code TextFormat::Parser::AllowUnknownField} skips the same way, silently; caffemem says so.
 */
public final class UnknownFields {

    /** One unknown field of one message type. */
    public record Entry(String messageType, String field, SourcePos first, int count) {
        @Override
        public String toString() {
            return messageType + "." + field + " (first at " + first + (count > 1 ? ", " + count + " times" : "") + ")";
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    void add(MessageType type, String field, SourcePos at) {
        entries.merge(type.fullName() + "." + field, new Entry(type.fullName(), field, at, 1),
                (old, added) -> new Entry(old.messageType(), old.field(), old.first(), old.count() + 1));
    }

    /** In the order they were first met. */
    public List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
