package dev.caffemem.caffetool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads what {@code /usr/bin/time -f %M -o FILE} wrote: the child's maximum resident set size in KiB
 * (wait4's ru_maxrss, the figure "time -v" calls "Maximum resident set size"). When the child died of
 * a signal, GNU time writes "Command terminated by signal N" first.
 */
final class UsrBinTime {
    private UsrBinTime() {
    }

    static OptionalLong maxRssBytes(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String s = lines.get(i).trim();
                if (s.matches("\\d+")) {
                    return OptionalLong.of(Long.parseLong(s) * 1024);
                }
            }
            return OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }
}
