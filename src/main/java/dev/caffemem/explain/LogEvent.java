package dev.caffemem.explain;

/**
 * A glog line that tells where a Caffe process was in its life when it wrote it. Each is printed by the code named
 * in its kind, so what the process did after it is known from Caffe's source.
 *
 * @param kind      what the line says
 * @param line      the log's line
 * @param net       for net setup lines: the index of the net in {@link CaffeLog#nets()}, else -1
 * @param layer     for layer setup lines: the layer's name, else null
 * @param iteration for solver lines: the iteration it names, else -1
 * @param testNet   for test pass lines: the test net's number, else -1 (a net's setup lines name it by {@code net})
 */
public record LogEvent(Kind kind, GlogLine line, int net, String layer, long iteration, int testNet) {

    /** What a line says, in the order a run says them. */
    public enum Kind {
        /** "Initializing solver from parameters:" (Solver::Init, src/caffe/solver.cpp). */
        SOLVER_INIT,
        /** "Creating Layer X", "X <- b", "X -> t" (Net::Init, src/caffe/net.cpp): layer X's SetUp comes next. */
        LAYER_START,
        /** "Setting up X", "Top shape", "Memory required for data": X is set up. */
        LAYER_DONE,
        /** "... needs backward computation", "This network produces output": the net's wiring after its layers. */
        NET_WIRING,
        /** "Network initialization done." (after Net::ShareWeights). */
        NET_DONE,
        /** "Solver scaffolding done.", "Starting Optimization", "Solving", "Learning Rate Policy". */
        SOLVE_START,
        /** "Iteration N, Testing net (#i)" (Solver::Test, before the pass). */
        TEST_START,
        /** "Test loss", "Test net output #j" (after the pass). */
        TEST_DONE,
        /** "Iteration N (...), loss = " and "Train net output" (Solver::Step, after forward and backward). */
        DISPLAY,
        /** "Iteration N, lr = " (SGDSolver::ApplyUpdate, src/caffe/solvers/sgd_solver.cpp, before the update). */
        UPDATE,
        /** "Snapshotting to binary proto file", "Snapshotting to HDF5 file" (Solver::Snapshot, the model first). */
        SNAPSHOT_MODEL,
        /** "Snapshotting solver state to ..." (logged once the state's message is filled, before it is written). */
        SNAPSHOT_STATE,
        /** "Iteration N, loss = " after the last iteration (Solver::Solve: a forward pass for the display). */
        FINAL_DISPLAY,
        /** "Running for N iterations." ({@code caffe test}, tools/caffe.cpp, before its forward passes). */
        TEST_RUN,
        /** "Batch k, ..." ({@code caffe test}, after each forward pass). */
        TEST_BATCH,
        /** "Optimization Done." ({@code caffe train}) or "Loss: " ({@code caffe test}): the run finished. */
        DONE
    }
}
