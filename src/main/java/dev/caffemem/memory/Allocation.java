package dev.caffemem.memory;

import java.util.Objects;

/**
 * One allocated buffer on one side: the unit both the analytical model and the probe's census report. A
 * Caffe {@code SyncedMemory} with a host and a device copy is two allocations with the same key.
 *
 * @param bytes the buffer's size in bytes (what Caffe asked for, before any allocator rounding)
 */
public record Allocation(BufferKey key, long bytes, Component component, Side side) {

    public Allocation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(side, "side");
        if (bytes < 0) {
            throw new IllegalArgumentException(key + ": negative size " + bytes);
        }
    }

    /** A buffer as a census files it: its component follows from its key. */
    public static Allocation censused(BufferKey key, long bytes, Side side) {
        return new Allocation(key, bytes, key.censusComponent(), side);
    }
}
