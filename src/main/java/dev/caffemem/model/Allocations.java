package dev.caffemem.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Component;
import dev.caffemem.memory.MemoryBreakdown;
import dev.caffemem.memory.Side;

/** Every buffer a simulated Caffe process creates, in creation order. */
public final class Allocations {
    private final List<Buffer> buffers = new ArrayList<>();
    private final Placement placement;
    private final Clock clock = new Clock();

    public Allocations() {
        this(new Placement());
    }

    /**
     * Allocations of one estimate share one placement, so a test net touching the train net's buffers agrees
     * on the side. Each has its own clock: a test net simulated once is placed in each evaluation's time.
     */
    public Allocations(Placement placement) {
        this.placement = placement;
    }

    public Placement placement() {
        return placement;
    }

    Clock clock() {
        return clock;
    }

    public Buffer create(BufferKey key, long bytes, Component component, int layer) {
        Buffer b = new Buffer(key, bytes, component, layer, placement, clock);
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

    /** Every touched buffer, once per side it is on: the model's result type. */
    public MemoryBreakdown breakdown() {
        List<dev.caffemem.memory.Allocation> out = new ArrayList<>(buffers.size());
        for (Buffer b : buffers) {
            if (b.touched()) {
                out.addAll(b.allocations());
            }
        }
        return MemoryBreakdown.of(out);
    }

    /** Bytes by component over both sides (a buffer on host and device counts twice). */
    public Map<Component, Long> byComponent() {
        return sums(true, true);
    }

    /** Bytes on one side, every component. */
    public long total(Side side) {
        return byComponent(side).values().stream().mapToLong(Long::longValue).sum();
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
            // touchedOn is false on both sides once freed
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
