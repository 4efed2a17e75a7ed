package dev.caffemem.probe;

/** A probe child that did not finish its points; {@link #kind()} says how. No natives involved. */
public final class ProbeException extends RuntimeException {

    /**
     * How a child ended; {@code UNSUPPORTED}: none was started, because this machine cannot do what an option
     * asks (--memory-limit without a writable memory cgroup).
     */
    public enum Kind { CAFFE_ABORTED, KILLED, TIMEOUT, FAILED, NO_GPU, UNSUPPORTED }

    private final Kind kind;

    public ProbeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
