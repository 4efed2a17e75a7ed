package dev.caffemem.report.html;

import dev.caffemem.model.Estimate;
import dev.caffemem.model.GpuSettings;
import dev.caffemem.report.Units;
import java.util.function.LongSupplier;

/**
 * The memory a run must fit in, and where that figure comes from.
 *
 * @param source for people: "--memory 11GiB", "the v100-16gb profile", "available on this machine"
 * @param given  whether the user set it (--memory, or a GPU's capacity): then a run that does not fit is an
 *               error (exit code 1), as with {@code estimate --memory}; the machine's own memory only informs
 */
public record Limit(long bytes, String source, boolean given) {

    /**
     * On a GPU, the device's capacity (the profile's, or --memory's); on the CPU, --memory, or else what this
     * machine has available.
     *
     * @param memoryText       --memory as written, or null
     * @param memoryBytes      --memory in bytes, or null
     * @param machineAvailable this machine's available memory, asked only when needed
     */
    public static Limit of(Estimate e, String memoryText, Long memoryBytes, LongSupplier machineAvailable) {
        if (e.gpu() != null) {
            GpuSettings s = e.gpu().settings();
            return new Limit(s.capacityBytes(), memoryText != null ? "--memory " + memoryText
                    : "the " + s.name() + " profile", true);
        }
        if (memoryBytes != null) {
            return new Limit(memoryBytes, "--memory " + memoryText, true);
        }
        return new Limit(machineAvailable.getAsLong(), "available on this machine", false);
    }

    @Override
    public String toString() {
        return Units.bytes(bytes, false) + " (" + source + ")";
    }
}
