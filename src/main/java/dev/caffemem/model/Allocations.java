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
        Map<Component, Long> sums = byComponent(Side.HOST);
        byComponent(Side.DEVICE).forEach((c, v) -> sums.merge(c, v, Long::sum));
        return sums;
    }

    /** Bytes by component on one side. */
    public Map<Component, Long> byComponent(Side side) {
        Map<Component, Long> sums = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            sums.put(c, 0L);
        }
        for (Buffer b : buffers) {
            if (b.touchedOn(side)) {
                sums.merge(b.component(), b.bytes(), Long::sum);
            }
        }
        return sums;
    }
}
