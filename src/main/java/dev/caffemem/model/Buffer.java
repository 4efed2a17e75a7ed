package dev.caffemem.model;

import dev.caffemem.memory.Allocation;
import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Component;
import dev.caffemem.memory.Side;
import java.util.ArrayList;
import java.util.List;

/**
 * One lazily allocated buffer, as Caffe's {@code SyncedMemory}: it costs nothing until first touched,
 * then its full size, on each side it was touched on (host, device, or both: once a side has a copy it
 * keeps it). Blobs that share storage (ShareData/ShareDiff, in-place tops) share the Buffer object.
 *
 * @see <a href="https://github.com/BVLC/caffe/blob/1.0/src/caffe/syncedmem.cpp">syncedmem.cpp</a>
 */
public final class Buffer {
    private final BufferKey key;
    private final long bytes;
    private final Component component;
    private final int layer;
    private final Placement placement;
    private final Clock clock;
    private boolean host;
    private boolean device;
    /** The ticks of the first touch on each side and of the free, or -1 (see {@link Clock}). */
    private int hostAt = -1;
    private int deviceAt = -1;
    private int freedAt = -1;
    /**
     * The ticks of the first write on each side, or -1: Caffe allocates with calloc, whose fresh pages become
     * resident only when written, so a buffer that is allocated and never written costs no resident memory.
     */
    private int hostWrittenAt = -1;
    private int deviceWrittenAt = -1;

    Buffer(BufferKey key, long bytes, Component component, int layer, Placement placement, Clock clock) {
        this.placement = placement;
        this.clock = clock;
        this.key = key;
        this.bytes = bytes;
        this.component = component;
        this.layer = layer;
    }

    /** Its identity, shared with the probe's census: e.g. {@code blob/3/conv1/diff}, {@code param/2/data}. */
    public BufferKey key() {
        return key;
    }

    /** Size in bytes once allocated. */
    public long bytes() {
        return bytes;
    }

    public Component component() {
        return component;
    }

    /** Index of the layer the cost is attributed to, or -1 for solver state. */
    public int layer() {
        return layer;
    }

    /** Allocated on either side, and not freed: held by the process now. */
    public boolean touched() {
        return (host || device) && freedAt < 0;
    }

    public boolean touchedOn(Side side) {
        return freedAt < 0 && (side == Side.HOST ? host : device);
    }

    /** When it was first allocated on {@code side} (a {@link Clock} tick), or -1 if never. */
    int allocatedAt(Side side) {
        return side == Side.HOST ? hostAt : deviceAt;
    }

    /** When it was first written on {@code side} (its pages became resident), or -1 if never. */
    int writtenAt(Side side) {
        return side == Side.HOST ? hostWrittenAt : deviceWrittenAt;
    }

    /** When it was freed, or -1 if it is still held. */
    int freedAt() {
        return freedAt;
    }

    /**
     * Frees it (both sides): a buffer Caffe releases, e.g. a layer's own copy of a weight that is then shared,
     * or a snapshot's temporary copy. Freed buffers are no part of the steady state.
     */
    void free() {
        if ((host || device) && freedAt < 0) {
            freedAt = clock.tick();
        }
    }

    /** Caffe's cpu_* or gpu_* accessor, whichever side the simulated code is on now. */
    void touch() {
        touchOn(placement.current());
    }

    /**
     * Allocated, and freed, like {@code other} (a buffer of a test net simulated once, copied into each
     * evaluation's bill), with {@code other}'s ticks moved into this clock's time by {@code when}.
     */
    void touchLike(Buffer other, java.util.function.IntUnaryOperator when) {
        if (other.host && !host) {
            host = true;
            hostAt = when.applyAsInt(other.hostAt);
            hostWrittenAt = other.hostWrittenAt < 0 ? -1 : when.applyAsInt(other.hostWrittenAt);
        }
        if (other.device && !device) {
            device = true;
            deviceAt = when.applyAsInt(other.deviceAt);
            deviceWrittenAt = other.deviceWrittenAt < 0 ? -1 : when.applyAsInt(other.deviceWrittenAt);
        }
        if (other.freedAt >= 0) {
            freedAt = when.applyAsInt(other.freedAt);
        }
    }

    /** Allocated on {@code side} at an earlier tick (what the process made before the simulation recorded it). */
    void touchOnAt(Side side, int tick) {
        touchOn(side);
        if (side == Side.HOST) {
            hostAt = tick;
            hostWrittenAt = tick;
        } else {
            deviceAt = tick;
            deviceWrittenAt = tick;
        }
    }

    /** Allocated and written on {@code side}, whatever side the simulated code is on. */
    void touchOn(Side side) {
        allocateOn(side);
        if (side == Side.HOST) {
            if (hostWrittenAt < 0) {
                hostWrittenAt = clock.tick();
            }
        } else if (deviceWrittenAt < 0) {
            deviceWrittenAt = clock.tick();
        }
    }

    /**
     * Allocated on the current side but not written: a mutable pointer taken and not used (the Caffe-engine
     * Convolution's bottom diff when it does not propagate down, a 1x1 convolution's column buffer).
     */
    void allocateOnly() {
        allocateOn(placement.current());
    }

    private void allocateOn(Side side) {
        if (side == Side.HOST) {
            if (!host) {
                host = true;
                hostAt = clock.tick();
            }
        } else if (!device) {
            device = true;
            deviceAt = clock.tick();
        }
    }

    /** One allocation per side it was touched on. */
    List<Allocation> allocations() {
        List<Allocation> out = new ArrayList<>(2);
        if (freedAt >= 0) {
            return out;
        }
        if (host) {
            out.add(new Allocation(key, bytes, component, Side.HOST));
        }
        if (device) {
            out.add(new Allocation(key, bytes, component, Side.DEVICE));
        }
        return out;
    }

    @Override
    public String toString() {
        return key + "=" + bytes + (host ? " host" : "") + (device ? " device" : "") + (freedAt >= 0 ? " (freed)" : touched() ? "" : " (untouched)");
    }
}
