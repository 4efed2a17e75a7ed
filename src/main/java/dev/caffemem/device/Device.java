package dev.caffemem.device;

import java.util.Locale;

/**
 * Where the probe runs: {@code cpu}, or the NVIDIA GPU {@code gpu:N} (N as nvidia-smi counts; {@code gpu} alone is
 * {@code gpu:0}).
 */
public record Device(Kind kind, int index) {

    public enum Kind { CPU, GPU }

    public static final Device CPU = new Device(Kind.CPU, 0);

    public Device {
        if (kind == null) {
            throw new IllegalArgumentException("no device kind");
        }
        if (index < 0 || (kind == Kind.CPU && index != 0)) {
            throw new IllegalArgumentException("device index " + index + " for " + kind);
        }
    }

    public static Device gpu(int index) {
        return new Device(Kind.GPU, index);
    }

    /** Parses {@code cpu}, {@code gpu} or {@code gpu:N}, in any case. */
    public static Device parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("gpu")) {
            return gpu(0);
        }
        if (t.startsWith("gpu:") && t.length() > 4 && t.length() <= 8 && t.substring(4).chars().allMatch(Character::isDigit)) {
            return gpu(Integer.parseInt(t.substring(4)));
        }
        throw new NativeConfigException(NativeConfigException.Reason.BAD_DEVICE, "--device " + text
                + ": expected cpu, gpu or gpu:N (N = the GPU's index as nvidia-smi lists it, from 0)");
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "gpu:" + index;
    }
}
