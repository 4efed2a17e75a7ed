package dev.caffemem.probe;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Resident memory of this process, from /proc/self/status (Linux). Read through plain streams into a small heap
 * array: the JDK then reads through a buffer on its stack, where NIO's temporary direct buffers would come from
 * malloc (and be cached per thread), moving glibc's count that the probe reads around these calls.
 */
final class RssReader {
    private static final int CHUNK = 4096;

    private RssReader() {
    }

    /** Resets VmHWM to the current RSS (Linux 4.0+: write 5 to /proc/self/clear_refs). */
    static void resetPeak() {
        try (FileOutputStream out = new FileOutputStream("/proc/self/clear_refs")) {
            out.write('5');
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
        String status = status();
        int at = status.indexOf(name);
        if (at < 0) {
            return -1;
        }
        int end = status.indexOf('\n', at);
        String kb = status.substring(at + name.length(), end < 0 ? status.length() : end).trim().split("\\s+")[0];
        try {
            return Long.parseLong(kb) * 1024;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String status() {
        byte[] chunk = new byte[CHUNK];
        StringBuilder sb = new StringBuilder();
        try (FileInputStream in = new FileInputStream("/proc/self/status")) {
            for (int n; (n = in.read(chunk, 0, CHUNK)) > 0; ) {
                sb.append(new String(chunk, 0, n, StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            return "";
        }
        return sb.toString();
    }
}
