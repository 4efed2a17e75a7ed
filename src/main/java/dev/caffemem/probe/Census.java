package dev.caffemem.probe;

import dev.caffemem.compare.PointResult;
import dev.caffemem.memory.Allocation;
import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Side;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.caffe.FloatBlob;
import org.bytedeco.caffe.FloatBlobSharedVector;
import org.bytedeco.caffe.FloatBlobVector;
import org.bytedeco.caffe.FloatBlobVectorVector;
import org.bytedeco.caffe.FloatNet;
import org.bytedeco.caffe.FloatSGDSolver;
import org.bytedeco.caffe.StringVector;
import org.bytedeco.caffe.SyncedMemory;

/**
 * The child's count of what Caffe allocated, blob by blob: every SyncedMemory reachable from the nets and the
 * solver whose head is not UNINITIALIZED, deduplicated by address (shared storage counts once), under the keys
 * the analytical model bills them under ({@link BufferKey}).
 */
final class Census {
    private final boolean gpu;
    private final Set<Long> seen = new HashSet<>();
    private final List<Allocation> buffers = new ArrayList<>();

    /** @param gpu whether Caffe runs in GPU mode (a SyncedMemory's head then tells its sides) */
    Census(boolean gpu) {
        this.gpu = gpu;
    }

    List<Allocation> buffers() {
        return buffers;
    }

    /**
     * A net's blobs and parameters.
     *
     * @param testNet the solver's test net, or -1 for the train (or inference) net
     * @return the net's blobs with their shapes
     */
    List<PointResult.Blob> net(FloatNet net, int testNet) {
        List<PointResult.Blob> shapes = new ArrayList<>();
        FloatBlobSharedVector blobs = net.blobs();
        StringVector names = net.blob_names();
        for (int i = 0; i < blobs.size(); i++) {
            FloatBlob blob = blobs.get(i);
            String name = names.get(i).getString();
            record(blob, BufferKey.blob(testNet, i, name, BufferKey.Part.DATA),
                    BufferKey.blob(testNet, i, name, BufferKey.Part.DIFF));
            List<Integer> shape = new ArrayList<>();
            for (int a = 0; a < blob.num_axes(); a++) {
                shape.add(blob.shape(a));
            }
            shapes.add(new PointResult.Blob(i, name, shape));
        }
        FloatBlobSharedVector params = net.params();
        for (int i = 0; i < params.size(); i++) {
            record(params.get(i), BufferKey.param(testNet, i, BufferKey.Part.DATA),
                    BufferKey.param(testNet, i, BufferKey.Part.DIFF));
        }
        return shapes;
    }

    /** The solver's history_ (update_ and temp_ are protected members: glibc's count holds them). */
    void solver(FloatSGDSolver solver) {
        FloatBlobSharedVector history = solver.history();
        for (int h = 0; h < history.size(); h++) {
            record(history.get(h), BufferKey.solver(BufferKey.Kind.HISTORY, h, BufferKey.Part.DATA),
                    BufferKey.solver(BufferKey.Kind.HISTORY, h, BufferKey.Part.DIFF));
        }
    }

    /** Records a blob's data and diff if allocated and not already seen (shared storage counts once). */
    private void record(FloatBlob blob, BufferKey dataKey, BufferKey diffKey) {
        try (SyncedMemory data = blob.data(); SyncedMemory diff = blob.diff()) {
            add(data, dataKey);
            add(diff, diffKey);
        }
    }

    /**
     * On the CPU an allocated SyncedMemory is one host buffer. On a GPU its head tells the sides: a host
     * copy at HEAD_AT_CPU or SYNCED, a device copy at HEAD_AT_GPU or SYNCED. (A stale copy behind a head that
     * moved away is not visible from outside; the device-level reading counts it.)
     */
    private void add(SyncedMemory mem, BufferKey key) {
        if (mem == null || mem.isNull() || mem.head() == SyncedMemory.UNINITIALIZED || !seen.add(mem.address())) {
            return;
        }
        if (!gpu) {
            buffers.add(Allocation.censused(key, mem.size(), Side.HOST));
            return;
        }
        int head = mem.head();
        if (head == SyncedMemory.HEAD_AT_CPU || head == SyncedMemory.SYNCED) {
            buffers.add(Allocation.censused(key, mem.size(), Side.HOST));
        }
        if (head == SyncedMemory.HEAD_AT_GPU || head == SyncedMemory.SYNCED) {
            buffers.add(Allocation.censused(key, mem.size(), Side.DEVICE));
        }
    }

    /** Net::Init's memory_used_: every layer's top counts, in floats, as bytes. */
    static long caffeLogBytes(FloatNet net) {
        long count = 0;
        FloatBlobVectorVector tops = net.top_vecs();
        for (long l = 0; l < tops.size(); l++) {
            FloatBlobVector layerTops = tops.get(l);
            for (long t = 0; t < layerTops.size(); t++) {
                count += layerTops.get(t).count();
            }
        }
        return count * Float.BYTES;
    }
}
