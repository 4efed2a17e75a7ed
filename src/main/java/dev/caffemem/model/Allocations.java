package dev.caffemem.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Every buffer a simulated Caffe process creates, in creation order. */
public final class Allocations {
    private final List<Buffer> buffers = new ArrayList<>();
    private final Placement placement;

    public Allocations() {
        this(new Placement());
    }

    /** Allocations of one estimate share one placement, so a test net touching the train net's buffers agrees on the side. */
    public Allocations(Placement placement) {
        this.placement = placement;
    }

    public Placement placement() {
        return placement;
    }

    public Buffer create(String key, long bytes, Component component, int layer) {
        return create(() -> key, bytes, component, layer);
    }

    /** A buffer whose key is built only if someone asks for it. */
    Buffer create(Supplier<String> key, long bytes, Component component, int layer) {
        Buffer b = new Buffer(key, bytes, component, layer, placement);
        buffers.add(b);
        return b;
    }

    /**
     * True the first time the simulated process meets {@code what} (a file it opens, a block a library keeps
     * for reuse), false after. The train net and its test nets share the placement, which keeps the record.
     */
    boolean firstInProcess(String what) {
        return placement.firstInProcess(what);
    }

    public List<Buffer> all() {
        return Collections.unmodifiableList(buffers);
    }

    /**
     * Touched buffers in creation order, each once even when several blobs share it: blobs share a
     * Buffer object, and {@link #create} is the only way into this list, so it holds each one once.
     */
    public List<Buffer> touched() {
        List<Buffer> out = new ArrayList<>(buffers.size());
        for (Buffer b : buffers) {
            if (b.touched()) {
                out.add(b);
            }
        }
        return out;
    }

    /** Bytes by component over both sides (a buffer on host and device counts twice). */
    public Map<Component, Long> byComponent() {
        return sums(true, true);
    }

    /** Bytes by component on one side. */
    public Map<Component, Long> byComponent(Side side) {
        return sums(side == Side.HOST, side == Side.DEVICE);
    }

    /** One pass over every buffer, unboxed (this runs three times per estimate over tens of thousands). */
    private Map<Component, Long> sums(boolean host, boolean device) {
        Component[] components = Component.values();
        long[] sums = new long[components.length];
        for (Buffer b : buffers) {
            int sides = (host && b.touchedOn(Side.HOST) ? 1 : 0) + (device && b.touchedOn(Side.DEVICE) ? 1 : 0);
            if (sides > 0) {
                sums[b.component().ordinal()] += sides * b.bytes();
            }
        }
        Map<Component, Long> out = new EnumMap<>(Component.class);
        for (Component c : components) {
            out.put(c, sums[c.ordinal()]);
        }
        return out;
    }
}
