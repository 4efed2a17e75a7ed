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
     * Reads a UTF-8 file (invalid bytes become U+FFFD, as protobuf does not care outside strings)
     * and parses it. A file that cannot be read is reported at line 0, column 0.
     */
    public static Message parse(Path file, MessageType root) {
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
        return parse(new String(bytes, StandardCharsets.UTF_8), name, root);
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
