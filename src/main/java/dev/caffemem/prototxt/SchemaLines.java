package dev.caffemem.prototxt;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Byte-level scanning of the schema text: lines, words, numbers.
 *
 * <p>The schema is read at every CLI start, mostly in the bytecode interpreter, where each
 * method call and each String built char by char is expensive. So this scans the UTF-8 bytes
 * directly, keeps the current line's words as offsets and only makes Strings for names (ASCII,
 * so a Latin-1 String is a straight copy of the bytes).
 */
final class SchemaLines {

    private final byte[] bytes;
    private final String source;
    private int[] wordStart = new int[16];
    private int[] wordEnd = new int[16];
    private int wordCount;
    /** The line being read, for error messages. */
    int lineNumber;

    SchemaLines(byte[] bytes, String source) {
        this.bytes = bytes;
        this.source = source;
    }

    int length() {
        return bytes.length;
    }

    /** The offset of the '\n' ending the line that starts at start (or the end of the text). */
    int lineEnd(int start) {
        int end = start;
        while (end < bytes.length && bytes[end] != '\n') {
            end++;
        }
        return end;
    }

    /** The first non-blank offset in [from, to), or to. */
    int skipBlanks(int from, int to) {
        int i = from;
        while (i < to && bytes[i] <= ' ') {
            i++;
        }
        return i;
    }

    boolean isBlank(int offset) {
        return bytes[offset] <= ' ';
    }

    /** Whether the line content at first is a '#' comment. */
    boolean isComment(int first) {
        return bytes[first] == '#';
    }

    /** The offset of the first '[' in [from, to), or to. */
    int optionsStart(int from, int to) {
        int i = from;
        while (i < to && bytes[i] != '[') {
            i++;
        }
        return i;
    }

    /** Splits [from, to) on blanks; the words are then read with the word methods. */
    void splitWords(int from, int to) {
        wordCount = 0;
        int i = skipBlanks(from, to);
        while (i < to) {
            if (wordCount == wordStart.length) {
                wordStart = Arrays.copyOf(wordStart, wordCount * 2);
                wordEnd = Arrays.copyOf(wordEnd, wordCount * 2);
            }
            wordStart[wordCount] = i;
            while (i < to && bytes[i] > ' ') {
                i++;
            }
            wordEnd[wordCount++] = i;
            i = skipBlanks(i, to);
        }
    }

    int wordCount() {
        return wordCount;
    }

    boolean wordIs(int w, byte[] keyword) {
        if (w >= wordCount || wordEnd[w] - wordStart[w] != keyword.length) {
            return false;
        }
        int start = wordStart[w];
        for (int i = 0; i < keyword.length; i++) {
            if (bytes[start + i] != keyword[i]) {
                return false;
            }
        }
        return true;
    }

    String word(int w) {
        return latin1(wordStart[w], wordEnd[w]);
    }

    int wordInt(int w) {
        return parseInt(wordStart[w], wordEnd[w]);
    }

    /** For a word {@code NAME=number}: the offset of '=', or -1. */
    int equalsSign(int w) {
        for (int i = wordStart[w]; i < wordEnd[w]; i++) {
            if (bytes[i] == '=') {
                return i;
            }
        }
        return -1;
    }

    int wordStart(int w) {
        return wordStart[w];
    }

    int wordEnd(int w) {
        return wordEnd[w];
    }

    /** The text of [from, to) decoded as UTF-8 (for option lists, which may quote any string). */
    String utf8(int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    String latin1(int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0) {
                throw error("names must be ASCII");
            }
        }
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }

    int parseInt(int from, int to) {
        boolean negative = from < to && bytes[from] == '-';
        int i = negative ? from + 1 : from;
        if (i >= to || to - i > 9) {
            throw error("expected a number, found \"" + utf8(from, to) + "\"");
        }
        int value = 0;
        for (; i < to; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                throw error("expected a number, found \"" + utf8(from, to) + "\"");
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    static byte[] ascii(String keyword) {
        return keyword.getBytes(StandardCharsets.US_ASCII);
    }

    IllegalStateException error(String message) {
        return new IllegalStateException(source + ":" + lineNumber + ": " + message);
    }
}
