package dev.caffemem.model;

import dev.caffemem.net.NetException;
import dev.caffemem.prototxt.Message;
import java.util.List;

/**
 * The solver settings that change memory: the solver type, L1 regularization (which touches temp_),
 * the test nets the solver builds, and when it tests and snapshots.
 *
 * @param assumed true when no solver file was given and Caffe's defaults plus SGD with momentum are assumed
 */
public record SolverSettings(SolverType type, String regularization, double weightDecay, int iterSize,
                             List<TestNet> testNets, boolean testInitialization, Schedule schedule, boolean assumed) {

    /**
     * When the solver tests and snapshots ({@code Solver::Step} and {@code Solver::Solve}).
     *
     * @param maxIter            iterations to run
     * @param testInterval       a test pass every this many iterations (0: none)
     * @param snapshotInterval   a snapshot every this many iterations (0: none)
     * @param snapshotAfterTrain a snapshot after the last iteration unless one was just written
     * @param hdf5               snapshot_format: HDF5 (else BINARYPROTO)
     * @param snapshotDiff       the snapshot also holds every parameter's gradient
     */
    public record Schedule(long maxIter, long testInterval, long snapshotInterval, boolean snapshotAfterTrain,
                           boolean hdf5, boolean snapshotDiff) {

        /** Caffe's defaults for a solver that says nothing: the final snapshot only, in BINARYPROTO. */
        public static final Schedule DEFAULTS = new Schedule(0, 0, 0, true, false, false);

        /** Whether Solver::Solve writes a snapshot at all (at an interval, or the final one). */
        public boolean snapshots() {
            return snapshotInterval > 0 && maxIter >= snapshotInterval || snapshotAfterTrain;
        }

        /** Whether the final snapshot is written (after the last iteration, unless the interval just wrote one). */
        public boolean finalSnapshot() {
            return snapshotAfterTrain && (snapshotInterval == 0 || maxIter % snapshotInterval != 0);
        }

        static Schedule of(Message solver) {
            return new Schedule(solver.getLong("max_iter"), solver.getLong("test_interval"), solver.getLong("snapshot"),
                    solver.getBool("snapshot_after_train"), solver.getEnum("snapshot_format").equals("HDF5"),
                    solver.getBool("snapshot_diff"));
        }
    }

    /**
     * One TEST net instance the solver creates.
     *
     * @param netParam an inline test_net_param, or null
     * @param netFile  a test_net file path as written in the solver, or null; both null: the train net's own definition
     * @param state    the test_state for this instance, or null
     */
    public record TestNet(Message netParam, String netFile, Message state, int testIter) {
    }

    public SolverSettings {
        testNets = List.copyOf(testNets);
    }

    /** No solver file: plain SGD with momentum, no test net. */
    public static SolverSettings assumedSgd() {
        return new SolverSettings(SolverType.SGD, "L2", 0, 1, List.of(), true, Schedule.DEFAULTS, true);
    }

    public SolverSettings withType(SolverType t) {
        return new SolverSettings(t, regularization, weightDecay, iterSize, testNets, testInitialization, schedule,
                assumed);
    }

    public SolverSettings withoutTestNets() {
        return new SolverSettings(type, regularization, weightDecay, iterSize, List.of(), testInitialization, schedule,
                assumed);
    }

    /** Reads a SolverParameter, resolving the legacy solver_type enum as {@code UpgradeSolverType} does. */
    public static SolverSettings of(Message solver) {
        SolverType type;
        if (solver.has("solver_type")) {
            if (solver.has("type")) {
                throw new NetException(solver.pos("solver_type"), "the old solver_type field (enum) and the new type"
                        + " field (string) cannot both be specified");
            }
            type = SolverType.parse(solver.getEnum("solver_type"));
        } else {
            try {
                type = SolverType.parse(solver.getString("type"));
            } catch (IllegalArgumentException e) {
                throw new NetException(solver.pos("type"), e.getMessage());
            }
        }
        String reg = solver.getString("regularization_type");
        if (!reg.equals("L1") && !reg.equals("L2")) {
            throw new NetException(solver.pos("regularization_type"), "unknown regularization type \"" + reg
                    + "\"; Caffe knows L1 and L2");
        }
        return new SolverSettings(type, reg, solver.getDouble("weight_decay"), Math.max(1, solver.getInt("iter_size")),
                testNets(solver), solver.getBool("test_initialization"), Schedule.of(solver), false);
    }

    /** {@code Solver::InitTestNets}: explicit test nets first, then generic instances of the train net file. */
    private static List<TestNet> testNets(Message solver) {
        int explicit = solver.count("test_net_param") + solver.count("test_net");
        boolean generic = solver.has("net") || solver.has("net_param");
        int iters = solver.count("test_iter");
        if (generic ? iters < explicit : iters != explicit) {
            throw new NetException(solver.pos("test_iter"), "test_iter must be specified for each test network ("
                    + explicit + " test nets, " + iters + " test_iter values)");
        }
        int instances = iters;
        List<Message> states = solver.getMessages("test_state");
        if (!states.isEmpty() && states.size() != instances) {
            throw new NetException(solver.pos("test_state"), "test_state must be unspecified or specified once per"
                    + " test net (" + instances + " test nets, " + states.size() + " test_state values)");
        }
        if (instances > 0 && solver.getInt("test_interval") <= 0) {
            throw new NetException(solver.pos("test_interval"), "test nets need test_interval > 0");
        }
        java.util.ArrayList<TestNet> out = new java.util.ArrayList<>();
        List<Message> params = solver.getMessages("test_net_param");
        List<String> files = solver.getStrings("test_net");
        for (int i = 0; i < instances; i++) {
            Message state = states.isEmpty() ? null : states.get(i);
            Message param = i < params.size() ? params.get(i) : null;
            String file = i >= params.size() && i < explicit ? files.get(i - params.size()) : null;
            out.add(new TestNet(param, file, state, Math.toIntExact(solver.getLongs("test_iter").get(i))));
        }
        return out;
    }
}
