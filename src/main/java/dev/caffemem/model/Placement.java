package dev.caffemem.model;

import dev.caffemem.memory.Side;
/**
 * Which side the simulated code touches right now, shared by every buffer of one estimate: Caffe's
 * {@code cpu_*} accessors allocate on the host, {@code gpu_*} on the device, and a GPU-mode layer runs
 * its kernels on the device unless it has no GPU implementation. In CPU mode it never leaves the host.
 */
public final class Placement {
    private Side current = Side.HOST;

    public Side current() {
        return current;
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
