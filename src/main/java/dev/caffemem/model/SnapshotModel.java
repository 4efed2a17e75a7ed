package dev.caffemem.model;

import dev.caffemem.memory.Side;
import dev.caffemem.memory.Timeline;
import dev.caffemem.net.NetGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * What writing a snapshot holds for a moment ({@code Solver::Snapshot}, src/caffe/solver.cpp).
 *
 * <p>BINARYPROTO: the model is first built as a NetParameter holding a protobuf copy of every layer's parameter
 * blobs ({@code Net::ToProto}, {@code Layer::ToProto}: a layer whose blob is shared by name writes it again; with
 * snapshot_diff each blob's diff follows its data), written out and freed; then the solver state with a copy of
 * every history blob ({@code SGDSolver::SnapshotSolverStateToBinaryProto}; Adam and AdaDelta keep two sets). Each
 * copy is a RepeatedField filled one {@code add_data} at a time ({@code Blob::ToProto}, src/caffe/blob.cpp):
 * protobuf 3.7's {@code RepeatedField::Reserve} allocates at least 4 elements, then twice the old capacity, moves
 * the elements and frees the old array, and leaves the rest of the new array unwritten (not resident). So a
 * field of n floats whose last doubling started from c elements holds 2c at that moment (the old array and its
 * copy), n afterwards. On top of that, glibc keeps the freed small arrays of the doublings in its heap: up to
 * twice the mmap threshold T, which is dynamic in a plain process (raised to the largest chunk up to 32 MiB freed
 * so far; a doubling past 4,194,304 elements frees a 16,781,312-byte chunk); this is counted as the bound 2T.
 *
 * <p>HDF5: each blob is written from its own buffer ({@code hdf5_save_nd_dataset}, src/caffe/util/hdf5.cpp); the
 * HDF5 library's own buffers stay under 4 MiB (1.7 to 4.0 MB measured, docs/peak.md).
 *
 * <p>Measured against BVLC's {@code caffe} on 15 runs (docs/peak.md): every BINARYPROTO snapshot within 6.6 MB of
 * this, the seed's 33 MB over (glibc trimmed the heap that 2T bounds).
 */
final class SnapshotModel {
    /** protobuf's smallest RepeatedField allocation (kMinRepeatedFieldAllocationSize), in elements. */
    private static final long FIRST_CAPACITY = 4;
    /** What the HDF5 library holds while writing a snapshot, at most (measured 1.7 to 4.0 MB). */
    static final long HDF5_BYTES = 4L << 20;
    /** glibc's largest dynamic mmap threshold (DEFAULT_MMAP_THRESHOLD_MAX on 64-bit). */
    private static final long THRESHOLD_MAX = 32L << 20;
    /** A doubling from this many elements frees the chunk that raises the threshold to {@link #RAISED}. */
    private static final long RAISING_CAPACITY = 4_194_304;
    private static final long RAISED = Bookkeeping.chunk(RAISING_CAPACITY * Float.BYTES + 8);

    private SnapshotModel() {
    }

    /**
     * The snapshot's two events on {@code clock}, on the host: the first one Solver::Solve writes (at the first
     * snapshot interval, or the final one); every later one holds the same.
     *
     * @param threshold glibc's mmap threshold when the snapshot starts (the largest chunk up to 32 MiB freed
     *                  before it, at least 128 KiB), or 0 when it is pinned (nothing stays in the heap)
     */
    static void simulate(Clock clock, NetGraph graph, SolverSettings solver, long threshold) {
        SolverSettings.Schedule s = solver.schedule();
        boolean interval = s.snapshotInterval() > 0 && s.maxIter() >= s.snapshotInterval();
        int iteration = (int) Math.min(Integer.MAX_VALUE, interval ? s.snapshotInterval() : s.maxIter());
        String subject = interval ? "every " + s.snapshotInterval() + " iterations" : "final snapshot";
        if (s.hdf5()) {
            clock.delta(Side.HOST, HDF5_BYTES);
            clock.delta(Side.HOST, -HDF5_BYTES);
            clock.mark(Timeline.Stage.SNAPSHOT_MODEL, iteration, -1, subject);
            clock.mark(Timeline.Stage.SNAPSHOT_SOLVER_STATE, iteration, -1, subject);
            return;
        }
        List<Long> model = modelArrays(graph, s.snapshotDiff());
        List<Long> history = historyArrays(graph, solver.type());
        boolean raised = file(clock, model, threshold, false);
        clock.mark(Timeline.Stage.SNAPSHOT_MODEL, iteration, -1, subject);
        file(clock, history, threshold, raised);
        clock.mark(Timeline.Stage.SNAPSHOT_SOLVER_STATE, iteration, -1, subject);
    }

    /** The model file's arrays in fill order: each layer's blobs, data then (with snapshot_diff) diff. */
    private static List<Long> modelArrays(NetGraph graph, boolean diff) {
        List<Long> out = new ArrayList<>();
        for (NetGraph.Layer l : graph.layers()) {
            for (int p : l.params()) {
                long count = graph.params().get(p).shape().count();
                out.add(count);
                if (diff) {
                    out.add(count);
                }
            }
        }
        return out;
    }

    /** The solver state's arrays: one per learnable parameter, a second set for Adam and AdaDelta. */
    private static List<Long> historyArrays(NetGraph graph, SolverType type) {
        List<Long> out = new ArrayList<>();
        for (int set = 0; set < type.historySets(); set++) {
            for (NetGraph.Param p : graph.params()) {
                if (p.learnable()) {
                    out.add(p.shape().count());
                }
            }
        }
        return out;
    }

    /**
     * One file's message: its repeated float fields built one after the other and held together, glibc's kept
     * heap (2T, T the threshold at the file's largest doubling) alongside, then all freed.
     *
     * @param raised whether an earlier array of this snapshot already raised the threshold
     * @return whether the threshold is raised after this file
     */
    private static boolean file(Clock clock, List<Long> fields, long threshold, boolean raised) {
        int hump = humpIndex(fields);
        long held = 0;
        long kept = 0;
        for (int i = 0; i < fields.size(); i++) {
            long n = fields.get(i);
            if (i == hump) {
                long t = threshold == 0 ? 0 : Math.min(THRESHOLD_MAX, raised ? Math.max(threshold, RAISED) : threshold);
                kept = 2 * t;
                clock.delta(Side.HOST, kept);
            }
            held += field(clock, n);
            raised |= n > RAISING_CAPACITY;
        }
        clock.delta(Side.HOST, -held - kept);
        return raised;
    }

    /** Where the file's resident high-water comes: at the largest doubling over what is already filled. */
    private static int humpIndex(List<Long> fields) {
        long before = 0;
        long best = -1;
        int at = Math.max(0, fields.size() - 1);
        for (int i = 0; i < fields.size(); i++) {
            long n = fields.get(i);
            long moment = before + 2 * lastCapacity(n);
            if (moment > best) {
                best = moment;
                at = i;
            }
            before += n;
        }
        return at;
    }

    /** The capacity a field of n elements doubles from last: the largest 4 x 2^k below n, or 0. */
    private static long lastCapacity(long n) {
        long last = 0;
        for (long c = FIRST_CAPACITY; c < n; c *= 2) {
            last = c;
        }
        return last;
    }

    /** The resident bytes of one RepeatedField of {@code n} floats as it grows; returns what it holds at the end. */
    private static long field(Clock clock, long n) {
        if (n == 0) {
            return 0;
        }
        long lastBytes = lastCapacity(n) * Float.BYTES;
        if (lastBytes > 0) {
            clock.delta(Side.HOST, lastBytes);       // written up to the last doubling
            clock.delta(Side.HOST, lastBytes);       // the new array's copy of the old
            clock.delta(Side.HOST, -lastBytes);      // the old array freed
        }
        clock.delta(Side.HOST, n * Float.BYTES - lastBytes);
        return n * Float.BYTES;
    }
}
