package dev.caffemem.caffetool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/** The one child of a wrapper process (/usr/bin/time), found through /proc/PID/task/PID/children. */
final class ChildPid {
    private static final long WAIT_NANOS = 10_000_000_000L;

    private ChildPid() {
    }

    static long await(Process wrapper) {
        Path children = Path.of("/proc", Long.toString(wrapper.pid()), "task", Long.toString(wrapper.pid()), "children");
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (System.nanoTime() < deadline && wrapper.isAlive()) {
            try {
                String s = Files.readString(children).trim();
                if (!s.isEmpty()) {
                    return Long.parseLong(s.split(" ")[0]);
                }
            } catch (IOException e) {
                break;
            }
            LockSupport.parkNanos(200_000);
        }
        throw new IllegalStateException("the wrapper " + wrapper.pid() + " started no child within 10 s");
    }
}
