package dev.caffemem.prototxt;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer for decoding string literals. Protobuf strings are bytes: escapes such
 * as {@code \303\251} produce single bytes that only make sense decoded together, so literals
 * are decoded to bytes first and turned into a Java string once.
 */
final class ByteSink {

    private byte[] bytes = new byte[32];
    private int size;

    void append(int b) {
        if (size == bytes.length) {
            bytes = Arrays.copyOf(bytes, size * 2);
        }
        bytes[size++] = (byte) b;
    }

    void appendUtf8(int codePoint) {
        if (codePoint < 0x80) {
            append(codePoint);
        } else if (codePoint < 0x800) {
            append(0xC0 | (codePoint >> 6));
            append(0x80 | (codePoint & 0x3F));
        } else if (codePoint < 0x10000) {
            append(0xE0 | (codePoint >> 12));
            append(0x80 | ((codePoint >> 6) & 0x3F));
            append(0x80 | (codePoint & 0x3F));
        } else {
            append(0xF0 | (codePoint >> 18));
            append(0x80 | ((codePoint >> 12) & 0x3F));
            append(0x80 | ((codePoint >> 6) & 0x3F));
            append(0x80 | (codePoint & 0x3F));
        }
    }

    /**
     * For string fields, UTF-8 text (invalid sequences become U+FFFD, as Java decoding does); for
     * bytes fields, one char per byte (ISO-8859-1) so that every byte value survives.
     */
    String decode(boolean asBytes) {
        return new String(bytes, 0, size, asBytes ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }
}
