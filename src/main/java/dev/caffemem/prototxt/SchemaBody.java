package dev.caffemem.prototxt;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a message's body lies in a schema layer's text, for {@link SchemaReader} to read on
 * demand. The body of a {@code message} line also keeps the message's nested enums once read,
 * and the parts that overlays add to it with {@code extend}.
 */
final class SchemaBody {
    final MessageType type;
    final SchemaLines text;
    final int start;
    final int firstLine;
    /** Where the next top-level line starts (the end of the text until one is found). */
    int end;
    List<EnumType> enums;
    final List<SchemaBody> extensions = new ArrayList<>(0);

    SchemaBody(MessageType type, SchemaLines text, int start, int firstLine) {
        this.type = type;
        this.text = text;
        this.start = start;
        this.firstLine = firstLine;
        this.end = text.length();
    }
}
