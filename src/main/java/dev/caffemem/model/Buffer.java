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
    private boolean host;
    private boolean device;

    Buffer(BufferKey key, long bytes, Component component, int layer, Placement placement) {
        this.placement = placement;
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

    /** Allocated on either side. */
    public boolean touched() {
        return host || device;
    }

    public boolean touchedOn(Side side) {
        return side == Side.HOST ? host : device;
    }

    /** Caffe's cpu_* or gpu_* accessor, whichever side the simulated code is on now. */
    void touch() {
        if (placement.current() == Side.HOST) {
            host = true;
        } else {
            device = true;
        }
    }

    /** Allocated on the same sides as {@code other} (a test net's buffer copied into the process bill). */
    void touchLike(Buffer other) {
        host |= other.host;
        device |= other.device;
    }

    /** Allocated on {@code side}, whatever side the simulated code is on. */
    void touchOn(Side side) {
        if (side == Side.HOST) {
            host = true;
        } else {
            device = true;
        }
    }

    /** One allocation per side it was touched on. */
    List<Allocation> allocations() {
        List<Allocation> out = new ArrayList<>(2);
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
        return key + "=" + bytes + (host ? " host" : "") + (device ? " device" : "") + (touched() ? "" : " (untouched)");
    }
}
