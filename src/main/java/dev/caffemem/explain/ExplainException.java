package dev.caffemem.explain;

/** A log that cannot be explained as given: one line for the user, and whether it is their usage or their input. */
public final class ExplainException extends RuntimeException {
    private final boolean usage;

    private ExplainException(boolean usage, String message, Throwable cause) {
        super(message, cause);
        this.usage = usage;
    }

    /** Something the command line must add (e.g. a net the log does not hold). */
    public static ExplainException usage(String message) {
        return new ExplainException(true, message, null);
    }

    /** A log or file that cannot be read as what it should be. */
    public static ExplainException badInput(String message, Throwable cause) {
        return new ExplainException(false, message, cause);
    }

    public boolean isUsage() {
        return usage;
    }
}
