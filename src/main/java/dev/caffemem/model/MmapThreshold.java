package dev.caffemem.model;

import dev.caffemem.memory.Side;
import dev.caffemem.net.NetGraph;
import java.util.List;

/**
 * glibc's dynamic mmap threshold in a plain {@code caffe} process (malloc.c: it starts at 128 KiB, and freeing an
 * mmapped chunk larger than it, up to 32 MiB, raises it to that chunk's size). It decides how much of the memory a
 * snapshot's protobuf arrays free stays in glibc's heap (see {@link SnapshotModel}). The chunks freed before a
 * snapshot: the test nets' own weights released at their first pass, a layer's own copy of a weight shared by
 * name, the arrays of a parsed .caffemodel, and each data layer's per-item buffers in its prefetch thread
 * (a Data record's bytes, an image decoded by ImageData, C x H x W bytes each).
 */
final class MmapThreshold {
    static final long INITIAL = 128 * 1024;
    static final long MAX = 32L << 20;

    private MmapThreshold() {
    }

    static long before(Allocations allocations, NetGraph train, List<TestNets.Run> tests, List<Long> parsedWeights) {
        long t = INITIAL;
        for (Buffer b : allocations.all()) {
            if (b.freedAt() >= 0 && b.allocatedAt(Side.HOST) >= 0) {
                t = raised(t, Bookkeeping.chunk(b.bytes()));
            }
        }
        for (long bytes : parsedWeights) {
            t = raised(t, Bookkeeping.chunk(bytes));
        }
        t = raised(t, items(train));
        for (TestNets.Run run : tests) {
            t = raised(t, items(run.graph()));
        }
        return t;
    }

    /** The largest per-item buffer of a net's prefetching data layers: one record or decoded image, as bytes. */
    private static long items(NetGraph graph) {
        long largest = 0;
        for (NetGraph.Layer l : graph.layers()) {
            if (Engine.prefetching(l.type()) && !l.topShapes().isEmpty() && l.topShapes().get(0).axes() > 1) {
                largest = Math.max(largest, Bookkeeping.chunk(l.topShapes().get(0).count(1)));
            }
        }
        return largest;
    }

    private static long raised(long threshold, long freedChunk) {
        return freedChunk > threshold && freedChunk <= MAX ? freedChunk : threshold;
    }
}
