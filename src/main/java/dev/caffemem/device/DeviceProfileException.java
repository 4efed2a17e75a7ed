package dev.caffemem.device;

/** A device profile that cannot be found, read, or trusted; the message is one line for the user. */
public class DeviceProfileException extends RuntimeException {

    public DeviceProfileException(String message) {
        super(message);
    }

    public DeviceProfileException(String message, Throwable cause) {
        super(message, cause);
    }
}
