package dev.caffemem.caffetool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The memory lines of one reading of /proc/PID/status, in bytes. VmHWM is the kernel's high-water of
 * VmRSS since the process started or since the last {@code echo 5 > /proc/PID/clear_refs};
 * VmRSS = RssAnon + RssFile + RssShmem. The kernel keeps these counters per CPU and folds them in
 * batches, so a reading can be off by a few hundred KiB (see fs/proc/task_mmu.c, mm_counter).
 */
public record ProcStatus(long vmHwmBytes, long vmRssBytes, long rssAnonBytes, long rssFileBytes, long rssShmemBytes,
                         int threads) {

    /** Reads the status of a live process; empty once it has exited (a zombie has no Vm lines). */
    public static Optional<ProcStatus> read(long pid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return Optional.empty();
        }
        return parse(text);
    }

    /** Parses the text of a status file; empty when it has no memory lines. */
    public static Optional<ProcStatus> parse(String text) {
        long hwm = -1;
        long rss = -1;
        long anon = -1;
        long file = -1;
        long shmem = -1;
        int threads = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("VmHWM:")) {
                hwm = kib(line);
            } else if (line.startsWith("VmRSS:")) {
                rss = kib(line);
            } else if (line.startsWith("RssAnon:")) {
                anon = kib(line);
            } else if (line.startsWith("RssFile:")) {
                file = kib(line);
            } else if (line.startsWith("RssShmem:")) {
                shmem = kib(line);
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring(8).trim());
            }
        }
        if (hwm < 0 || rss < 0 || anon < 0 || file < 0 || shmem < 0) {
            return Optional.empty();
        }
        return Optional.of(new ProcStatus(hwm, rss, anon, file, shmem, threads));
    }

    private static long kib(String line) {
        String v = line.substring(line.indexOf(':') + 1).trim();
        if (!v.endsWith(" kB")) {
            throw new IllegalArgumentException("unexpected /proc status line: " + line);
        }
        return Long.parseLong(v.substring(0, v.length() - 3).trim()) * 1024;
    }
}
