package dev.caffemem.reality;

import dev.caffemem.memory.Allocation;
import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Component;
import dev.caffemem.memory.MemoryBreakdown;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.model.Mode;
import dev.caffemem.model.SolverSettings;
import dev.caffemem.model.SolverType;
import dev.caffemem.net.DryRun;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.NetState;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.Schema;
import dev.caffemem.prototxt.TextFormat;
import dev.caffemem.compare.PointResult;
import dev.caffemem.probe.ProbeJob;
import dev.caffemem.probe.ProbeRunner;
import dev.caffemem.shape.LayerKinds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the analytical estimate and the real Caffe (in a child JVM) on the same nets and compares
 * them: blob shapes, Caffe's log figure, every allocated buffer by key, and the allocator total.
 */
public final class RealityCheck {

    /**
     * One net at one batch with one solver. {@code net} is an upgraded NetParameter.
     *
     * @param phase    TRAIN runs a solver step; TEST runs one inference forward
     * @param testNets for TRAIN: let the solver build and run one test net from the same file
     */
    public record Case(String name, Message net, SolverType solver, int batch, ShapeOverrides overrides, Phase phase,
                       boolean testNets) {
        public Case(String name, Message net, SolverType solver, int batch) {
            this(name, net, solver, batch, ShapeOverrides.NONE);
        }

        public Case(String name, Message net, SolverType solver, int batch, ShapeOverrides overrides) {
            this(name, net, solver, batch, overrides, Phase.TRAIN, false);
        }

        public Case inference() {
            return new Case(name, net, solver, batch, overrides, Phase.TEST, false);
        }

        public Case withTestNet() {
            return new Case(name, net, solver, batch, overrides, Phase.TRAIN, true);
        }
    }

    /** What was compared. Empty mismatch lists mean byte-exact agreement. */
    public record Outcome(Case test, Estimate estimate, PointResult real, List<String> bufferMismatches,
                          List<String> shapeMismatches, long estimatedCaffeLog, long realCaffeLog) {

        /** The estimate of what malloc holds: every modeled byte (there is no prefetch in a dry run). */
        public long estimatedAllocatorBytes() {
            return estimate.totalBytes();
        }

        public double allocatorError() {
            return (estimatedAllocatorBytes() - (double) real.allocatorBytes()) / real.allocatorBytes();
        }

        public String describe() {
            return test.name() + " " + test.solver().caffeName() + " batch " + test.batch();
        }
    }

    private RealityCheck() {
    }

    /** The dry-run form of a net at a batch: data layers as Input layers, constant fillers. */
    public static Message dryRun(Message net, int batch, ShapeOverrides overrides) {
        ShapeOverrides o = overrides.withBatch(batch);
        return DryRun.rewrite(net, state -> NetGraph.build(NetSpec.of(net, state), new LayerKinds(o), o), true);
    }

    public static List<Outcome> run(List<Case> cases, Path work, long quietUptimeMillis, Duration timeout) {
        List<ProbeJob.Point> points = new ArrayList<>();
        List<Estimate> estimates = new ArrayList<>();
        List<Message> rewritten = new ArrayList<>();
        boolean hdf5 = cases.stream().anyMatch(c -> c.net().getMessages("layer").stream()
                .anyMatch(l -> l.getString("type").equals("HDF5Output")));
        try {
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                Message net = dryRun(c.net(), c.batch(), c.overrides());
                rewritten.add(net);
                Message solver = solverFor(net, c.solver(), c.testNets());
                // the worker keeps the SolverParameter it read (inline net_param) and the solver keeps its copy;
                // for inference it keeps the NetParameter it read
                estimates.add(Estimator.estimate(new EstimateRequest(net, c.phase(), Mode.CPU,
                        SolverSettings.of(solver), ShapeOverrides.NONE, ShapeOverrides.NONE, f -> null, List.of(),
                        c.phase() == Phase.TRAIN ? 2 : 1)));
                Path file = work.resolve((c.phase() == Phase.TRAIN ? "solver-" : "net-") + i + ".prototxt");
                Files.writeString(file, TextFormat.print(c.phase() == Phase.TRAIN ? solver : net));
                points.add(new ProbeJob.Point(c.batch(), c.phase().name(), c.solver().caffeName(), file.toString()));
            }
            if (hdf5) {
                points.add(0, hdf5WarmUp(work));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProbeRunner runner = new ProbeRunner(timeout, false, p -> { }, List.of());
        List<PointResult> real = runner.run(points, quietUptimeMillis, work);
        if (hdf5) {
            real = real.subList(1, real.size());
        }
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            out.add(compare(cases.get(i), estimates.get(i), real.get(i)));
        }
        return out;
    }

    /**
     * A first point that writes two HDF5 files, measured and dropped. The HDF5 library sets itself up (about
     * 70 KB) on its first call in a process, and keeps blocks of the files it closes on free lists of its own
     * for the next ones: without this, the first point with an HDF5Output would carry both, and the same net
     * would measure differently early and late in a child. After it, a point with up to two open files
     * (a train and a test net's) measures what a process that has written HDF5 files before holds, which is
     * what the estimate bills, as it bills no other library's start-up (the child's warm-up net pays Caffe's,
     * OpenBLAS's and protobuf's before any point).
     */
    private static ProbeJob.Point hdf5WarmUp(Path work) throws IOException {
        // blobs of a few hundred bytes: after writing only 1-element datasets, the next file still costs ~40 KB more
        StringBuilder net = new StringBuilder("layer { name: 'in' type: 'Input' top: 'x' top: 'y' input_param {"
                + " shape { dim: 2 dim: 3 dim: 4 dim: 4 } shape { dim: 2 } } }\n");
        for (int i = 0; i < 2; i++) {
            net.append("layer { name: 'out").append(i).append("' type: 'HDF5Output' bottom: 'x' bottom: 'y'"
                    + " hdf5_output_param { file_name: '").append(work.resolve("hdf5-warm-up-" + i + ".h5")).append("' } }\n");
        }
        Path file = work.resolve("hdf5-warm-up.prototxt");
        Files.writeString(file, net.toString());
        return new ProbeJob.Point(1, Phase.TEST.name(), SolverType.SGD.caffeName(), file.toString());
    }

    static Message solverFor(Message net, SolverType type, boolean testNets) {
        Message s = new Message(Schema.caffe().message("SolverParameter"));
        if (testNets) {
            s.add("test_iter", 1L);
            s.set("test_interval", 1L);
        }
        s.set("net_param", net);
        s.set("type", type.caffeName());
        s.set("base_lr", 0.01);
        s.set("lr_policy", "fixed");
        boolean noMomentum = type == SolverType.ADAGRAD || type == SolverType.RMSPROP;
        s.set("momentum", noMomentum ? 0.0 : 0.9);
        s.set("display", 0L);
        s.set("snapshot", 0L);
        s.set("max_iter", 1L);
        return s;
    }

    private static Outcome compare(Case c, Estimate e, PointResult real) {
        // Caffe's census meets a Parameter layer's blob as the layer's top (an activation); the model bills it
        // as the parameter it is: file the census's entry under the parameter's key before comparing
        Map<BufferKey, BufferKey> renamed = new java.util.HashMap<>(parameterTops(NetGraph.build(NetSpec.of(
                dryRunSource(c, e), NetState.of(c.phase())), new LayerKinds(ShapeOverrides.NONE), ShapeOverrides.NONE), -1));
        if (c.testNets()) {
            renamed.putAll(parameterTops(NetGraph.build(NetSpec.of(dryRunSource(c, e), NetState.of(Phase.TEST)),
                    new LayerKinds(ShapeOverrides.NONE), ShapeOverrides.NONE), 0));
        }
        List<Allocation> census = real.buffers().stream()
                .map(b -> renamed.containsKey(b.key()) ? Allocation.censused(renamed.get(b.key()), b.bytes(), b.side()) : b)
                .toList();
        MemoryBreakdown measured = MemoryBreakdown.measured(census, real.allocatorBytes(), 0);
        // the estimate as a census would see it, against the census: buffer by buffer, by the type's own diff
        List<String> mismatches = e.breakdown().censusView().diff(measured).buffers().stream()
                .map(d -> d.key() + ": estimated " + (d.mine() == null ? "nothing" : d.mine()) + ", Caffe "
                        + (d.theirs() == null ? "nothing" : d.theirs()))
                .toList();
        List<String> shapes = new ArrayList<>();
        NetGraph graph = NetGraph.build(NetSpec.of(dryRunSource(c, e), NetState.of(c.phase())),
                new LayerKinds(ShapeOverrides.NONE), ShapeOverrides.NONE);
        if (graph.blobs().size() != real.blobs().size()) {
            shapes.add("blob count: estimated " + graph.blobs().size() + ", Caffe " + real.blobs().size());
        }
        for (int i = 0; i < Math.min(graph.blobs().size(), real.blobs().size()); i++) {
            NetGraph.Blob b = graph.blob(i);
            PointResult.Blob r = real.blobs().get(i);
            List<Integer> dims = new ArrayList<>();
            for (int d : b.shape().dims()) {
                dims.add(d);
            }
            if (!b.name().equals(r.name()) || !dims.equals(r.shape())) {
                shapes.add("blob " + i + ": estimated " + b.name() + " " + dims + ", Caffe " + r.name() + " " + r.shape());
            }
        }
        return new Outcome(c, e, real, mismatches, shapes, e.caffeLogBytes(), real.caffeLogBytes());
    }

    /**
     * The census walks a net's blobs before its params and names shared storage after the first blob it meets
     * it in, so it meets a Parameter layer's blob (which the layer's top shares) as that top. The estimate
     * bills it as the parameter Caffe owns it as; this maps the census's names for it to the parameter's.
     */
    /** By census key, the key of the parameter a Parameter layer's top really is (its data and diff). */
    static Map<BufferKey, BufferKey> parameterTops(NetGraph graph, int testNet) {
        Map<BufferKey, BufferKey> out = new java.util.HashMap<>();
        for (NetGraph.Layer l : graph.layers()) {
            if (l.type().equals("Parameter")) {
                NetGraph.Blob top = graph.blob(l.tops().get(0));
                NetGraph.Param p = graph.param(l.params().get(0));
                int owner = p.learnable() ? p.id() : p.owner();
                for (BufferKey.Part part : new BufferKey.Part[] {BufferKey.Part.DATA, BufferKey.Part.DIFF}) {
                    out.put(BufferKey.blob(testNet, top.id(), top.name(), part), BufferKey.param(testNet, owner, part));
                }
            }
        }
        return out;
    }

    private static Message dryRunSource(Case c, Estimate e) {
        return dryRun(c.net(), c.batch(), c.overrides());
    }

    /** Convenience for failure messages. */
    public static String summary(Outcome o) {
        return o.describe() + (o.test().phase() == Phase.TEST ? " inference" : o.test().testNets() ? " +test net" : "") + ": " + o.bufferMismatches().size() + " buffer mismatches, " + o.shapeMismatches().size()
                + " shape mismatches, caffe log " + o.estimatedCaffeLog() + " vs " + o.realCaffeLog()
                + ", allocator estimated " + o.estimatedAllocatorBytes() + " vs real " + o.real().allocatorBytes()
                + " (" + String.format(java.util.Locale.ROOT, "%+.3f%%", 100 * o.allocatorError()) + ")"
                + ", blob-level components " + components(o);
    }

    private static String components(Outcome o) {
        StringBuilder sb = new StringBuilder();
        for (Component c : new Component[] {Component.ACTIVATION_DATA, Component.ACTIVATION_DIFF, Component.PARAM_DATA,
                Component.PARAM_DIFF}) {
            sb.append(c.jsonName()).append('=').append(o.estimate().breakdown().bytes(c)).append(' ');
        }
        return sb.toString().trim();
    }
}
