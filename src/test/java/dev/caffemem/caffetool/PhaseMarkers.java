package dev.caffemem.caffetool;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The glog lines of {@code caffe} that open a phase of its life, and the phase's name. Each line is
 * printed when its phase begins (see tools/caffe.cpp, src/caffe/solver.cpp Solve/Step/Test/Snapshot,
 * src/caffe/solvers/sgd_solver.cpp ApplyUpdate and SnapshotSolverState*, src/caffe/net.cpp Init), so
 * the high-water read at the next marker belongs to this phase. Everything before the first marker is
 * the phase "start" (loading libraries, main, GlobalInit).
 */
public final class PhaseMarkers {
    private record Marker(Pattern pattern, Function<Matcher, String> name, boolean opensNet) {
    }

    private static final List<Marker> TRAIN = List.of(
            marker("^Initializing solver from parameters", m -> "solver params", false),
            marker("^Creating training net", m -> "train net init", true),
            marker("^Creating test net \\(#(\\d+)\\)", m -> "test net #" + m.group(1) + " init", true),
            marker("^Solver scaffolding done", m -> "scaffolding done", false),
            marker("^Starting Optimization", m -> "solve", false),
            marker("^Iteration (\\d+), Testing net \\(#(\\d+)\\)", m -> "iter " + m.group(1) + " test #" + m.group(2), false),
            // the first line after a test pass (test_compute_loss prints "Test loss" first)
            marker("^Test loss: ", m -> "test outputs", false),
            marker("^Iteration (\\d+)(?: \\([^)]*\\))?, loss = ", m -> "iter " + m.group(1) + " display", false),
            marker("^Iteration (\\d+), lr = ", m -> "iter " + m.group(1) + " update", false),
            marker("^Snapshotting to binary proto file ", m -> "snapshot model (binaryproto)", false),
            marker("^Snapshotting to HDF5 file ", m -> "snapshot model (HDF5)", false),
            marker("^Snapshotting solver state to binary proto file ", m -> "snapshot solverstate (binaryproto)", false),
            marker("^Snapshotting solver state to HDF5 file ", m -> "snapshot solverstate (HDF5)", false),
            marker("^Optimization Done\\.", m -> "done", false),
            // caffe test (tools/caffe.cpp test()): one Net, then K forward passes
            marker("^Running for (\\d+) iterations\\.", m -> "forward x" + m.group(1), false),
            marker("^Loss: ", m -> "done", false));
    private static final Pattern TEST_SCORE = Pattern.compile("^    Test net output #0: ");
    private static final Pattern NET_INIT = Pattern.compile("^Initializing net from parameters");
    private static final Pattern LAYER = Pattern.compile("^Creating Layer (\\S+)");
    private static final Pattern GLOG = Pattern.compile("^[IWEF]\\d{4} [0-9:.]+ +\\d+ [^\\]]+\\] (.*)$");

    private final boolean perLayer;
    private String net = "";
    private String phase = "start";
    private boolean inTest;

    private PhaseMarkers(boolean perLayer) {
        this.perLayer = perLayer;
    }

    /** Phases at the granularity of the solver's events. */
    public static PhaseMarkers events() {
        return new PhaseMarkers(false);
    }

    /** The same, and one phase per layer while a net is set up ("train net init / conv1"). */
    public static PhaseMarkers eventsAndLayers() {
        return new PhaseMarkers(true);
    }

    /** The message of a glog line ("I0817 21:32:48.073011 11306 solver.cpp:337] msg"), or empty. */
    public static Optional<String> message(String line) {
        Matcher m = GLOG.matcher(line);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The phase that this stderr line opens, if it opens one. Keeps state: feed every line in order. */
    public Optional<String> opens(String line) {
        Optional<String> msg = message(line);
        if (msg.isEmpty()) {
            return Optional.empty();
        }
        String text = msg.get();
        for (Marker marker : TRAIN) {
            Matcher m = marker.pattern.matcher(text);
            if (m.find()) {
                if (marker.opensNet) {
                    net = marker.name.apply(m);
                }
                inTest = phaseIsTest(marker.name.apply(m));
                return open(marker.name.apply(m));
            }
        }
        if (inTest && TEST_SCORE.matcher(text).find()) {
            inTest = false;
            return open("test outputs");
        }
        if (NET_INIT.matcher(text).find() && net.isEmpty()) {
            // caffe test builds its one net without a solver line before it
            net = "net init";
            return open(net);
        }
        Matcher layer = LAYER.matcher(text);
        if (perLayer && !net.isEmpty() && layer.find() && phase.startsWith(net)) {
            return open(net + " / " + layer.group(1));
        }
        return Optional.empty();
    }

    private static boolean phaseIsTest(String name) {
        return name.matches("iter \\d+ test #\\d+");
    }

    private Optional<String> open(String name) {
        if (name.equals(phase)) {
            return Optional.empty();
        }
        phase = name;
        if (!name.startsWith(net) || net.isEmpty()) {
            net = name.endsWith(" init") ? name : "";
        }
        return Optional.of(name);
    }

    private static Marker marker(String regex, Function<Matcher, String> name, boolean opensNet) {
        return new Marker(Pattern.compile(regex), name, opensNet);
    }
}
