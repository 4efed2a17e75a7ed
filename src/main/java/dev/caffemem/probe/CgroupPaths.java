package dev.caffemem.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The memory cgroup this process lives in: cgroup v2 (one hierarchy, memory.max) or v1 (the memory
 * controller's hierarchy, memory.limit_in_bytes), found through /proc/self/cgroup.
 */
record CgroupPaths(Path dir, boolean v2) {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    static Optional<CgroupPaths> own() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] parts = line.split(":", 3);
                if (parts.length < 3) {
                    continue;
                }
                String rel = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
                if (parts[1].contains("memory")) {
                    Path dir = ROOT.resolve("memory").resolve(rel);
                    if (Files.isDirectory(dir)) {
                        return Optional.of(new CgroupPaths(dir, false));
                    }
                }
                if (parts[0].equals("0") && parts[1].isEmpty() && Files.exists(ROOT.resolve("cgroup.controllers"))) {
                    Path dir = ROOT.resolve(rel);
                    if (Files.isDirectory(dir)) {
                        return Optional.of(new CgroupPaths(dir, true));
                    }
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    Optional<Long> read(String file) {
        try {
            String v = Files.readString(dir.resolve(file)).trim();
            return v.equals("max") ? Optional.empty() : Optional.of(Long.parseLong(v));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
