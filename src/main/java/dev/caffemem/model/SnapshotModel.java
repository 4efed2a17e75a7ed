package dev.caffemem.model;

import dev.caffemem.memory.Side;
import dev.caffemem.memory.Timeline;
import dev.caffemem.net.NetGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * What writing a snapshot holds for a moment ({@code Solver::Snapshot}, src/caffe/solver.cpp): in BINARYPROTO
 * format the model is first built as a NetParameter holding a protobuf copy of every layer's parameter blobs
 * ({@code Net::ToProto}, {@code Layer::ToProto}: a layer whose blob is shared by name writes it again), written
 * out and freed; then the solver state, with a copy of every history blob, the same way. Each copy is a
 * RepeatedField filled one {@code add_data} at a time ({@code Blob::ToProto}, src/caffe/blob.cpp), so its array
 * doubles as it grows (protobuf's RepeatedField::Reserve: at least 4 elements, then twice the old size) and, at
 * each doubling, the new array holds a copy of the old one until the old one is freed. A large array is its
 * own mmapped chunk, resident only as far as it is written, so a field of n floats whose last doubling was from
 * c elements holds 2c floats at that moment and n afterwards.
 */
final class SnapshotModel {
    /** protobuf's smallest RepeatedField allocation (kMinRepeatedFieldAllocationSize), in elements. */
    private static final long FIRST_CAPACITY = 4;

    private SnapshotModel() {
    }

    /**
     * The snapshot's two events on {@code clock}, on the host: the first one Solver::Solve writes (at the first
     * snapshot interval, or the final one); every later one holds the same.
     */
    static void simulate(Clock clock, NetGraph graph, SolverSettings solver) {
        SolverSettings.Schedule s = solver.schedule();
        boolean interval = s.snapshotInterval() > 0 && s.maxIter() >= s.snapshotInterval();
        int iteration = (int) Math.min(Integer.MAX_VALUE, interval ? s.snapshotInterval() : s.maxIter());
        String subject = interval ? "every " + s.snapshotInterval() + " iterations" : "final snapshot";
        boolean diff = solver.schedule().snapshotDiff();
        List<Long> model = new ArrayList<>();
        for (NetGraph.Layer l : graph.layers()) {
            for (int p : l.params()) {
                long count = graph.params().get(p).shape().count();
                model.add(count);
                if (diff) {
                    model.add(count);
                }
            }
        }
        List<Long> history = new ArrayList<>();
        for (int set = 0; set < solver.type().historySets(); set++) {
            for (NetGraph.Param p : graph.params()) {
                if (p.learnable()) {
                    history.add(p.shape().count());
                }
            }
        }
        if (solver.schedule().hdf5()) {
            // HDF5 writes each blob's own buffer into the file (hdf5_save_nd_dataset): no copy
            clock.mark(Timeline.Stage.SNAPSHOT_MODEL, iteration, -1, subject);
            clock.mark(Timeline.Stage.SNAPSHOT_SOLVER_STATE, iteration, -1, subject);
            return;
        }
        copies(clock, model);
        clock.mark(Timeline.Stage.SNAPSHOT_MODEL, iteration, -1, subject);
        copies(clock, history);
        clock.mark(Timeline.Stage.SNAPSHOT_SOLVER_STATE, iteration, -1, subject);
    }

    /** One message's repeated float fields, built one after the other, held together, then freed. */
    private static void copies(Clock clock, List<Long> fields) {
        long held = 0;
        for (long n : fields) {
            held += field(clock, n);
        }
        clock.delta(Side.HOST, -held);
    }

    /** The resident bytes of one RepeatedField of {@code n} floats as it grows; returns what it holds at the end. */
    private static long field(Clock clock, long n) {
        if (n == 0) {
            return 0;
        }
        long last = 0;
        for (long c = FIRST_CAPACITY; c < n; c *= 2) {
            last = c;
        }
        long lastBytes = last * Float.BYTES;
        if (last > 0) {
            clock.delta(Side.HOST, lastBytes);       // written up to the last doubling
            clock.delta(Side.HOST, lastBytes);       // the new array's copy of the old
            clock.delta(Side.HOST, -lastBytes);      // the old array freed
        }
        clock.delta(Side.HOST, (n - last) * Float.BYTES);
        return n * Float.BYTES;
    }
}
