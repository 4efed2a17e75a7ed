package dev.caffemem.prototxt;

/**
 * A place in a prototxt file. Lines and columns are 1-based and columns count characters
 * (a tab is one column); line 0, column 0 stands for the file as a whole (for example when it
 * cannot be read).
 */
public record SourcePos(String file, int line, int column) {

    /** Renders as {@code file:line:column}, the form compilers use, so editors can jump to it. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
