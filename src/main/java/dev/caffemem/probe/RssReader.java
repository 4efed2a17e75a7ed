package dev.caffemem.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Anonymous resident memory of this process, from /proc/self/status (Linux). */
final class RssReader {

    private RssReader() {
    }

    /** Resets VmHWM to the current RSS (Linux 4.0+: write 5 to /proc/self/clear_refs). */
    static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // without it the peak covers the whole process life; still an upper bound
        }
    }

    /** Peak resident memory of this process (VmHWM). */
    static long peakBytes() {
        return field("VmHWM:");
    }

    /** Resident memory of this process (VmRSS), anonymous and file-backed: what VmHWM's peak is a peak of. */
    static long residentBytes() {
        return field("VmRSS:");
    }

    static long anonymousBytes() {
        return field("RssAnon:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String kb = line.substring(name.length()).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
