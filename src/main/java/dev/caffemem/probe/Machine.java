package dev.caffemem.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** How much memory a child process may use here: MemAvailable, and the cgroup limit this process lives under. */
public final class Machine {

    private Machine() {
    }

    /** The smaller of /proc/meminfo's MemAvailable and this process's cgroup memory limit (v1 or v2). */
    public static long availableBytes() {
        long available = memAvailable().orElse(Long.MAX_VALUE);
        OptionalLong limit = cgroupLimit();
        if (limit.isPresent()) {
            available = Math.min(available, Math.max(0, limit.getAsLong() - cgroupUsage().orElse(0)));
        }
        return available;
    }

    public static OptionalLong memAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** The memory limit of the cgroup this process is in, if one is set. */
    public static OptionalLong cgroupLimit() {
        return CgroupPaths.own().flatMap(c -> c.read(c.v2() ? "memory.max" : "memory.limit_in_bytes"))
                .filter(v -> v < (1L << 60)).map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    static OptionalLong cgroupUsage() {
        return CgroupPaths.own().flatMap(c -> c.read(c.v2() ? "memory.current" : "memory.usage_in_bytes"))
                .map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** The machine's physical memory (MemTotal). */
    public static long totalBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static List<String> lines(Path p) throws IOException {
        return Files.readAllLines(p);
    }

    /**
     * How many processes the kernel's OOM killer has killed since boot ({@code oom_kill} in /proc/vmstat,
     * memory cgroups' kills included), or -1 where the kernel does not say (before Linux 4.13).
     */
    static long oomKills() {
        return counter(Path.of("/proc/vmstat"), "oom_kill");
    }

    /** A "name value" line's value in a kernel counter file (vmstat, memory.events, memory.oom_control), or -1. */
    static long counter(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(name)) {
                    return Long.parseLong(kv[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
