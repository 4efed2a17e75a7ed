package dev.caffemem.model;

import dev.caffemem.memory.Side;
/**
 * Which side the simulated code touches right now, shared by every buffer of one estimate: Caffe's
 * {@code cpu_*} accessors allocate on the host, {@code gpu_*} on the device, and a GPU-mode layer runs
 * its kernels on the device unless it has no GPU implementation. In CPU mode it never leaves the host.
 * It also keeps the other process state the nets of one estimate share: what the process has once and
 * keeps (an open file, a library's cached block).
 */
public final class Placement {
    private Side current = Side.HOST;
    /** Things the simulated process has once and keeps (open files, library caches), by name. */
    private final java.util.Set<String> once = new java.util.HashSet<>();

    public Side current() {
        return current;
    }

    /** True the first time the simulated process meets {@code what}, false after. */
    boolean firstInProcess(String what) {
        return once.add(what);
    }

    /** Runs {@code work} with touches going to {@code side}, then restores the previous side. */
    public void on(Side side, Runnable work) {
        Side before = current;
        current = side;
        try {
            work.run();
        } finally {
            current = before;
        }
    }
}
