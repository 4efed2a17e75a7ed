package dev.caffemem.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Anonymous resident memory of this process, from /proc/self/status (Linux). */
final class RssReader {

    private RssReader() {
    }

    static long anonymousBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("RssAnon:")) {
                    String kb = line.substring("RssAnon:".length()).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
