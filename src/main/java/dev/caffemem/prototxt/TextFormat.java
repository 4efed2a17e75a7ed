package dev.caffemem.prototxt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes the protobuf text format of Caffe's .prototxt files. */
public final class TextFormat {

    private TextFormat() {
    }

    /**
     * Parses text as a message of type root, checked against the schema as Caffe's protobuf
     * would. Every problem is a PrototxtException naming fileName, line and column.
     */
    public static Message parse(String text, String fileName, MessageType root) {
        return TextParser.parse(text, fileName, root);
    }

    /**
     * Parses leniently when {@code unknown} is non-null: a field the schema lacks is skipped with its
     * value and recorded there (the rest is checked as usual); with null, as {@link #parse(String, String, MessageType)}.
     */
    public static Message parse(String text, String fileName, MessageType root, UnknownFields unknown) {
        return TextParser.parse(text, fileName, root, unknown);
    }

    /**
     * Reads a UTF-8 file (invalid bytes become U+FFFD, as protobuf does not care outside strings)
     * and parses it. A file that cannot be read is reported at line 0, column 0.
     */
    public static Message parse(Path file, MessageType root) {
        return parse(file, root, null);
    }

    /** Reads and parses a file, leniently when {@code unknown} is non-null (see above). */
    public static Message parse(Path file, MessageType root, UnknownFields unknown) {
        String name = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PrototxtException(new SourcePos(name, 0, 0), "cannot read: No such file", e);
        } catch (AccessDeniedException e) {
            throw new PrototxtException(new SourcePos(name, 0, 0), "cannot read: Permission denied", e);
        } catch (IOException e) {
            String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new PrototxtException(new SourcePos(name, 0, 0), "cannot read: " + reason, e);
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), name, root, unknown);
    }

    /**
     * Writes a message in canonical text format: 2-space indent, fields in
     * {@link Message#presentFields()} order, floats that read back as the same double, strings
     * quoted with escapes, enums by name.
     */
    public static String print(Message message) {
        return TextPrinter.print(message);
    }
}
