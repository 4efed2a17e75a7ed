package dev.caffemem.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where two {@link MemoryBreakdown}s disagree, field by field: each buffer present in one and not the other
 * or of another size, and each side's total.
 *
 * @param buffers buffers that differ, in key order
 * @param totals  the sides whose totals differ: (this, other)
 */
public record BreakdownDiff(List<Difference> buffers, Map<Side, long[]> totals) {

    /**
     * One buffer that differs.
     *
     * @param mine   its size in the first breakdown, or null when absent there
     * @param theirs its size in the second, or null when absent there
     */
    public record Difference(BufferKey key, Side side, Long mine, Long theirs) {
        @Override
        public String toString() {
            return key + (side == Side.DEVICE ? " (device)" : "") + ": " + (mine == null ? "nothing" : mine) + " vs "
                    + (theirs == null ? "nothing" : theirs);
        }
    }

    static BreakdownDiff between(MemoryBreakdown a, MemoryBreakdown b) {
        Map<Slot, Allocation> mine = index(a);
        Map<Slot, Allocation> theirs = index(b);
        List<Difference> out = new ArrayList<>();
        for (Map.Entry<Slot, Allocation> e : mine.entrySet()) {
            Allocation other = theirs.get(e.getKey());
            Allocation x = e.getValue();
            if (other == null || other.bytes() != x.bytes()) {
                out.add(new Difference(x.key(), x.side(), x.bytes(), other == null ? null : other.bytes()));
            }
        }
        for (Map.Entry<Slot, Allocation> e : theirs.entrySet()) {
            if (!mine.containsKey(e.getKey())) {
                Allocation y = e.getValue();
                out.add(new Difference(y.key(), y.side(), null, y.bytes()));
            }
        }
        out.sort(Comparator.comparing((Difference d) -> d.key().toString()).thenComparing(Difference::side));
        Map<Side, long[]> totals = new LinkedHashMap<>();
        for (Side s : Side.values()) {
            if (a.bytes(s) != b.bytes(s)) {
                totals.put(s, new long[] {a.bytes(s), b.bytes(s)});
            }
        }
        return new BreakdownDiff(List.copyOf(out), totals);
    }

    /** A buffer's place: its key on one side. */
    private record Slot(BufferKey key, Side side) {
    }

    private static Map<Slot, Allocation> index(MemoryBreakdown m) {
        Map<Slot, Allocation> out = new LinkedHashMap<>();
        for (Allocation x : m.allocations()) {
            out.put(new Slot(x.key(), x.side()), x);
        }
        return out;
    }

    public boolean isEmpty() {
        return buffers.isEmpty() && totals.isEmpty();
    }

    /** One line per difference, for failure messages and notes. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        buffers.forEach(d -> lines.add(d.toString()));
        totals.forEach((side, t) -> lines.add(side.name().toLowerCase(java.util.Locale.ROOT) + " total: " + t[0] + " vs " + t[1]));
        return lines;
    }
}
