package dev.caffemem.memory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Memory held at one moment, buffer by buffer: the one result type of caffemem. The analytical model
 * produces one with every buffer it bills (C++ objects and allocator rounding as buffers of their own);
 * the probe produces one from a real process, with the buffers its census can see and the totals the
 * allocator (and on a GPU, the device) counted. The two are compared with {@link #diff}, field by field.
 *
 * <p>Invariants, checked on construction: every allocation is non-negative (see {@link Allocation}), a
 * (key, side) pair appears once, the totals are non-negative. For a model's breakdown the totals are the
 * sums of its allocations; for a measurement they may exceed what the census saw (the rest is
 * {@link #unattributedBytes}).
 */
public final class MemoryBreakdown {
    private final List<Allocation> allocations;
    private final long hostBytes;
    private final long deviceBytes;
    private final long[] byComponent = new long[Component.values().length];
    private final long[] bySide = new long[Side.values().length];

    private MemoryBreakdown(List<Allocation> allocations, Long hostBytes, Long deviceBytes) {
        this.allocations = Collections.unmodifiableList(new ArrayList<>(allocations));
        Map<Side, Map<BufferKey, Allocation>> seen = new EnumMap<>(Side.class);
        for (Allocation a : this.allocations) {
            if (seen.computeIfAbsent(a.side(), s -> new HashMap<>()).put(a.key(), a) != null) {
                throw new IllegalArgumentException("buffer " + a.key() + " appears twice on the " + a.side());
            }
            byComponent[a.component().ordinal()] += a.bytes();
            bySide[a.side().ordinal()] += a.bytes();
        }
        this.hostBytes = hostBytes != null ? hostBytes : bySide[Side.HOST.ordinal()];
        this.deviceBytes = deviceBytes != null ? deviceBytes : bySide[Side.DEVICE.ordinal()];
        if (this.hostBytes < 0 || this.deviceBytes < 0) {
            throw new IllegalArgumentException("negative total: host " + this.hostBytes + ", device " + this.deviceBytes);
        }
    }

    /** A model's bill: the totals are what its allocations add up to. */
    public static MemoryBreakdown of(List<Allocation> allocations) {
        return new MemoryBreakdown(allocations, null, null);
    }

    /**
     * A measurement: the buffers a census saw, and the totals counted around them (glibc's count on the host,
     * the device's growth on a GPU), which also hold what the census cannot see.
     */
    public static MemoryBreakdown measured(List<Allocation> seen, long hostBytes, long deviceBytes) {
        return new MemoryBreakdown(seen, hostBytes, deviceBytes);
    }

    public List<Allocation> allocations() {
        return allocations;
    }

    public long totalBytes() {
        return hostBytes + deviceBytes;
    }

    /** The total on one side. */
    public long bytes(Side side) {
        return side == Side.HOST ? hostBytes : deviceBytes;
    }

    /** Bytes of one component over both sides (a buffer with a host and a device copy counts twice). */
    public long bytes(Component c) {
        return byComponent[c.ordinal()];
    }

    /** Bytes by component, every component present (zero where none), in the enum's order. */
    public Map<Component, Long> components() {
        Map<Component, Long> out = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            out.put(c, byComponent[c.ordinal()]);
        }
        return out;
    }

    /** What a side's total holds beyond the buffers listed: zero for a model, the unseen rest for a measurement. */
    public long unattributedBytes(Side side) {
        return bytes(side) - bySide[side.ordinal()];
    }

    /** The buffers on one side, with that side's total. */
    public MemoryBreakdown onSide(Side side) {
        List<Allocation> kept = allocations.stream().filter(a -> a.side() == side).toList();
        return new MemoryBreakdown(kept, side == Side.HOST ? hostBytes : 0L, side == Side.DEVICE ? deviceBytes : 0L);
    }

    /**
     * What a census of the same process would report: the buffers it can see (see {@link BufferKey#censused()}),
     * and the same totals. An estimate's census view and a measurement compare buffer for buffer.
     */
    public MemoryBreakdown censusView() {
        return new MemoryBreakdown(allocations.stream().filter(a -> a.key().censused()).toList(), hostBytes,
                deviceBytes);
    }

    /** This breakdown's differences from {@code other}: buffer by buffer, then the totals. */
    public BreakdownDiff diff(MemoryBreakdown other) {
        return BreakdownDiff.between(this, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemoryBreakdown m && diff(m).isEmpty();
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hostBytes) * 31 + Long.hashCode(deviceBytes);
    }

    @Override
    public String toString() {
        return "MemoryBreakdown[" + allocations.size() + " buffers, host " + hostBytes + ", device " + deviceBytes + "]";
    }
}
