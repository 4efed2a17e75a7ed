package dev.caffemem.device;

import java.util.List;

/** {@code --profile NAME} named no profile caffemem knows; the message lists the ones it does. */
public final class UnknownProfileException extends DeviceProfileException {
    private final List<String> knownNames;

    UnknownProfileException(String message, List<String> knownNames) {
        super(message);
        this.knownNames = List.copyOf(knownNames);
    }

    public List<String> knownNames() {
        return knownNames;
    }
}
