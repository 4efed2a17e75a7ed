package dev.caffemem.explain;

import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Mode;
import dev.caffemem.model.Runtime;
import dev.caffemem.model.SolverSettings;
import dev.caffemem.net.DataFiles;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The run a log came from, as an estimate request: its solver and nets (the log's own where it printed them, the
 * user's files otherwise), at the batches and input shapes the log shows.
 *
 * @param request      what to estimate
 * @param netSource    where the train (or only) net came from, in words
 * @param solverSource where the solver came from, in words
 * @param trainNet     the train net (for {@code caffe test}: the net)
 * @param testNets     the solver's test nets that are billed
 */
public record RunSetup(EstimateRequest request, String netSource, String solverSource, Message trainNet,
                       List<TestDef> testNets) {

    /** One of the solver's test nets: its definition and its test_state (null: none). */
    public record TestDef(int index, Message net, Message state) {
    }

    private static final List<String> NET_FIELDS = List.of("net", "net_param", "train_net", "train_net_param",
            "test_net", "test_net_param");

    /** Builds the request; notes collect what the reader should know about the choices made. */
    static RunSetup of(CaffeLog log, ExplainInput in, List<String> notes) {
        Definitions defs = new Definitions(log, in.logFile(), notes);
        boolean test = log.command() == CaffeLog.Command.TEST;
        Message solver = test ? null : defs.loggedSolver();
        String solverSource;
        if (solver != null) {
            solverSource = "the log (line " + log.solverBlock().line().number() + ")";
            if (in.solverFile() != null) {
                notes.add("the solver printed in the log is used; --solver " + in.solverFile() + " is not");
            }
        } else if (in.solverFile() != null && !test) {
            solver = Definitions.solverFile(in.solverFile());
            solverSource = in.solverFile().toString();
        } else {
            solverSource = test ? "none: caffe test runs no solver" : "none: SGD with momentum assumed, no test net";
        }
        LoggedNet loggedMain = test ? log.net(LoggedNet.Role.TEST, -1) : log.net(LoggedNet.Role.TRAIN, -1);
        Message fileNet = in.netFile() != null ? Definitions.netFile(in.netFile())
                : solver != null ? solverNet(defs, solver, in.solverFile()) : null;
        Message main = defs.loggedNet(loggedMain);
        String netSource;
        if (main != null) {
            netSource = "the log (line " + loggedMain.block().line().number() + ")";
        } else if (fileNet != null) {
            main = fileNet;
            netSource = in.netFile() != null ? in.netFile().toString() : "the net the solver names";
        } else {
            throw ExplainException.usage(log.fileName() + ": the log does not hold the net (its \"Initializing net "
                    + "from parameters\" block); give NET, or a --solver that names it");
        }
        List<TestDef> tests = solver == null ? List.of() : testNets(log, defs, solver, fileNet, notes);
        SolverSettings settings = solver == null ? SolverSettings.assumedSgd() : SolverSettings.of(rebuilt(solver, tests));
        ShapeOverrides train = LoggedShapes.overrides(loggedMain, main, in, null, netSource.startsWith("the log"));
        if (train.batch() != null && train.batch() != declaredBatch(main)) {
            notes.add("the run's batch is the log's, " + train.batch() + " (its data layer's top shape), not the "
                    + declaredBatch(main) + " of " + netSource);
        }
        train.declaredTops().keySet().stream().filter(t -> !in.topShapes().containsKey(t)).sorted().forEach(t -> notes.add(
                "top " + t + " has the log's shape: its layer's type is not one caffemem knows, so that layer's own "
                        + "memory (weights, buffers) is not in the bill"));
        LoggedNet firstTest = tests.isEmpty() ? null : log.net(LoggedNet.Role.TEST, tests.get(0).index());
        ShapeOverrides testOverrides = LoggedShapes.overrides(firstTest, tests.isEmpty() ? null : tests.get(0).net(), in,
                train, firstTest == null || firstTest.block() != null);
        for (TestDef t : tests) {
            if (log.net(LoggedNet.Role.TEST, t.index()) == null) {
                notes.add("test net " + t.index() + "'s setup is not in the log: its batch and shapes are those of "
                        + "its definition as given");
            }
        }
        List<String> stages = new ArrayList<>();
        if (solver != null) {
            stages.addAll(solver.getMessage("train_state").getStrings("stage"));
        }
        boolean inline = solver != null && (solver.has("net_param") || solver.has("train_net_param"));
        Path root = (in.dataRoot() != null ? in.dataRoot() : Path.of("")).toAbsolutePath();
        Runtime runtime = new Runtime(in.blasThreads(), test || log.finetuning(), DataFiles.hdf5(main, root),
                DataFiles.datasets(main, root));
        EstimateRequest request = new EstimateRequest(main, test ? Phase.TEST : Phase.TRAIN, Mode.CPU, settings, train,
                testOverrides, f -> {
                    throw ExplainException.usage("test net file " + f + " was not found");
                }, stages, inline ? 2 : 0, null, runtime);
        return new RunSetup(request, netSource, solverSource, main, tests);
    }

    /** The batch_size of the net's first TRAIN data layer as written, or -1. */
    private static int declaredBatch(Message net) {
        for (Message l : net.getMessages("layer")) {
            boolean test = l.getMessages("include").stream().anyMatch(r -> r.has("phase")
                    && r.getEnum("phase").equals("TEST"));
            if (test || !dev.caffemem.shape.LayerKinds.isDataLayer(l.getString("type"))) {
                continue;
            }
            for (String p : List.of("data_param", "image_data_param", "hdf5_data_param", "window_data_param",
                    "memory_data_param")) {
                if (l.has(p)) {
                    return l.getMessage(p).getInt("batch_size");
                }
            }
            if (l.has("input_param") && l.getMessage("input_param").count("shape") > 0) {
                Message shape = l.getMessage("input_param").getMessage("shape", 0);
                return shape.count("dim") > 0 ? (int) shape.getLong("dim", 0) : -1;
            }
            return -1;
        }
        return -1;
    }

    /** The file or inline net a solver names for training (Solver::InitTrainNet), or null. */
    private static Message solverNet(Definitions defs, Message solver, Path solverFile) {
        for (String f : List.of("train_net_param", "net_param")) {
            if (solver.has(f)) {
                return solver.getMessage(f);
            }
        }
        for (String f : List.of("train_net", "net")) {
            if (solver.has(f)) {
                return defs.namedNet(solver.getString(f), solverFile);
            }
        }
        return null;
    }

    /**
     * Each test net instance of the solver (Solver::InitTestNets: test_net_param, then test_net files, then
     * instances of the train net's file): the log's printed one where it has it, else the definition the solver
     * names; one that is nowhere to be found is left out, with a note.
     */
    private static List<TestDef> testNets(CaffeLog log, Definitions defs, Message solver, Message fileNet,
                                          List<String> notes) {
        List<TestDef> out = new ArrayList<>();
        int params = solver.count("test_net_param");
        int files = solver.count("test_net");
        List<Message> states = solver.getMessages("test_state");
        for (int i = 0; i < solver.count("test_iter"); i++) {
            Message net = defs.loggedNet(log.net(LoggedNet.Role.TEST, i));
            if (net == null) {
                net = i < params ? solver.getMessage("test_net_param", i)
                        : i < params + files ? defs.namedNet(solver.getString("test_net", i - params), null)
                        : fileNet;
            }
            if (net == null) {
                notes.add("test net " + i + " is left out of the bill: neither the log nor a file given holds it");
                continue;
            }
            out.add(new TestDef(i, net, states.isEmpty() ? null : states.get(i)));
        }
        return out;
    }

    /** The solver with its nets given inline, one test_net_param per test net kept. */
    private static Message rebuilt(Message solver, List<TestDef> tests) {
        Message s = solver.copy();
        List<Long> iters = solver.getLongs("test_iter");
        for (String f : NET_FIELDS) {
            s.clear(f);
        }
        s.clear("test_iter");
        s.clear("test_state");
        for (TestDef t : tests) {
            s.add("test_iter", iters.get(t.index()));
            s.add("test_net_param", t.net());
            if (t.state() != null) {
                s.add("test_state", t.state());
            }
        }
        if (!tests.isEmpty() && s.getLong("test_interval") <= 0) {
            s.set("test_interval", 1);
        }
        return s;
    }
}
