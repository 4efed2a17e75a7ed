package dev.caffemem.probe;

/** The probe was asked for a GPU this machine or this build cannot give it; the message says which and why. */
public final class GpuUnavailableException extends RuntimeException {
    public GpuUnavailableException(String message) {
        super(message);
    }
}
