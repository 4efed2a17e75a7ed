package dev.caffemem.prototxt;

/**
 * A one-line, user-facing error about a prototxt file: {@link #getMessage()} is
 * {@code "file:line:column: detail"}, where the detail says what was expected and what was found.
 * It is the only exception the parser throws on bad input.
 */
public final class PrototxtException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final SourcePos pos;
    private final String detail;

    public PrototxtException(SourcePos pos, String detail) {
        this(pos, detail, null);
    }

    public PrototxtException(SourcePos pos, String detail, Throwable cause) {
        super(pos == null ? detail : pos + ": " + detail, cause);
        this.pos = pos;
        this.detail = detail;
    }

    /** Where the problem is; null only for values built in code that never came from a file. */
    public SourcePos pos() {
        return pos;
    }

    /** The message without its position. */
    public String detail() {
        return detail;
    }
}
