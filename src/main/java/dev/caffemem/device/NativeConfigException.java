package dev.caffemem.device;

/** The probe cannot run on the device asked for; the message is one line for the user. */
public final class NativeConfigException extends RuntimeException {

    public enum Reason {
        /** The --device text is not cpu, gpu or gpu:N: a usage error. */
        BAD_DEVICE,
        /** This build lacks the natives for the device (e.g. a GPU asked of the CPU-only jar). */
        NOT_BUILT,
        /** A bundled native configuration is missing or broken: a bug in the build. */
        BAD_CONFIG
    }

    private final Reason reason;

    public NativeConfigException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
