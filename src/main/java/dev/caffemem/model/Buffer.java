package dev.caffemem.model;

import java.util.function.Supplier;

/**
 * One lazily allocated host buffer, as Caffe's {@code SyncedMemory}: it costs nothing until first
 * touched, then its full size. Blobs that share storage (ShareData/ShareDiff, in-place tops) share
 * the Buffer object.
 *
 * @see <a href="https://github.com/BVLC/caffe/blob/1.0/src/caffe/syncedmem.cpp">syncedmem.cpp</a>
 */
public final class Buffer {
    /** Builds the key on first request: an estimate creates tens of thousands of buffers and reads few keys. */
    private Supplier<String> keyMaker;
    private String key;
    private final long bytes;
    private final Component component;
    private final int layer;
    private boolean touched;

    Buffer(Supplier<String> keyMaker, long bytes, Component component, int layer) {
        this.keyMaker = keyMaker;
        this.bytes = bytes;
        this.component = component;
        this.layer = layer;
    }

    /** A stable identity for comparing with real Caffe: e.g. {@code blob/3/conv1/diff}, {@code param/2/data}. */
    public String key() {
        if (key == null) {
            key = keyMaker.get();
            keyMaker = null;
        }
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

    public boolean touched() {
        return touched;
    }

    void touch() {
        touched = true;
    }

    @Override
    public String toString() {
        return key() + "=" + bytes + (touched ? "" : " (untouched)");
    }
}
