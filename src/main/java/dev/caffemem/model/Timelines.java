package dev.caffemem.model;

import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Side;
import dev.caffemem.memory.Timeline;
import java.util.ArrayList;
import java.util.List;

/**
 * The timeline of one evaluation, computed from its clock: every buffer's first write adds what the allocator
 * hands out for it (the buffer and its chunk rounding), every free takes it back, raw deltas add and take their
 * bytes, and each event reports what is held at its end and the most held during it. The process's baseline is
 * held from the start; each net's C++ objects from the end of its init.
 */
final class Timelines {

    private Timelines() {
    }

    /**
     * @param side          the side that must fit: the host on the CPU, the device on a GPU
     * @param baselineBytes what the process holds before the first layer (its first event)
     */
    static Timeline of(Allocations allocations, Side side, GpuSettings gpu, long baselineBytes) {
        Clock clock = allocations.clock();
        long[] delta = new long[clock.now() + 1];
        for (Buffer b : allocations.all()) {
            BufferKey.Kind kind = b.key().kind();
            if (kind == BufferKey.Kind.OVERHEAD || kind == BufferKey.Kind.DEVICE_ROUNDING) {
                // the net's objects come with its marks, the rounding with each buffer's own chunk
                continue;
            }
            // resident once written: calloc's fresh pages cost nothing until then
            int at = b.writtenAt(side);
            if (at < 0) {
                continue;
            }
            long chunk = chunk(b.bytes(), side, gpu);
            delta[at] += chunk;
            if (b.freedAt() >= 0) {
                delta[b.freedAt()] -= chunk;
            }
        }
        for (Clock.Delta d : clock.deltas()) {
            if (d.side() == side) {
                delta[d.tick()] += d.bytes();
            }
        }
        List<Timeline.Event> events = new ArrayList<>();
        long held = baselineBytes;
        int tick = 0;
        for (Clock.Mark m : clock.marks()) {
            long high = held;
            for (; tick < m.end(); tick++) {
                held += delta[tick];
                high = Math.max(high, held);
            }
            if (side == Side.HOST) {
                held += m.extraBytes();
                high = Math.max(high, held);
            }
            events.add(new Timeline.Event(m.stage(), m.iteration(), m.testNet(), m.subject(), held, high));
        }
        return new Timeline(events);
    }

    /** What the allocator hands out for a buffer: glibc's chunk on the CPU, the pinned or device chunk on a GPU. */
    private static long chunk(long bytes, Side side, GpuSettings gpu) {
        if (gpu == null) {
            return Bookkeeping.chunk(bytes);
        }
        return side == Side.HOST ? gpu.pinnedChunk(bytes) : gpu.deviceChunk(bytes);
    }
}
