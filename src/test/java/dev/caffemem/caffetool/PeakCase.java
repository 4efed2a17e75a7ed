package dev.caffemem.caffetool;

import java.nio.file.Path;

/**
 * One row of the peak table: a net with its real data, a solver, and how it snapshots.
 *
 * @param id           short name, also the snapshot prefix
 * @param net          the train_val prototxt as found in the corpus
 * @param solver       the corpus solver it starts from, or null for a plain SGD one
 * @param trainBatch   the TRAIN data layer's batch_size, or 0 to keep the prototxt's
 * @param data         the data set each phase's data layer reads
 * @param solverType   a solver type replacing the corpus solver's, or null to keep it
 * @param snapshot     whether the final snapshot is written (snapshot_after_train)
 * @param hdf5         snapshot_format HDF5 instead of BINARYPROTO
 * @param snapshotDiff snapshot_diff: the model file also carries the gradients
 */
public record PeakCase(String id, Path net, Path solver, int trainBatch, Data data, String solverType, boolean snapshot,
                       boolean hdf5, boolean snapshotDiff) {

    /** The data set a data layer of this phase reads. */
    public interface Data {
        Datasets.Source source(Datasets sets, boolean train);
    }

    public PeakCase withSnapshot(boolean on) {
        return new PeakCase(id, net, solver, trainBatch, data, solverType, on, hdf5, snapshotDiff);
    }

    /** "binaryproto", "HDF5", "binaryproto+diff", or "none". */
    public String snapshotLabel() {
        if (!snapshot) {
            return "none";
        }
        return (hdf5 ? "HDF5" : "binaryproto") + (snapshotDiff ? "+diff" : "");
    }
}
