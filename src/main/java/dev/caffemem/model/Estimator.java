package dev.caffemem.model;

import dev.caffemem.net.NetException;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.NetState;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import dev.caffemem.shape.LayerKinds;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The analytical memory model: builds the nets a Caffe process would build (the train net and the
 * solver's test nets, or one inference net), replays one iteration on them, and prices every buffer
 * that iteration touches. Pure Java; no native code.
 */
public final class Estimator {

    private Estimator() {
    }

    /** One evaluation at one batch. */
    private record Run(NetGraph graph, Allocations allocations, List<Estimate.TestNetBill> tests, List<String> notes,
                       Map<String, Double> overheadFeatures, Gpu gpu) {
        Map<Component, Long> components() {
            return allocations.byComponent();
        }

        long total(Side side) {
            return allocations.byComponent(side).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * What a GPU run adds up while it builds its nets: threads with a Caffe context, cuDNN handles,
     * streams, cuDNN convolutions, and the test nets' forward bytes on each side (what only the root
     * GPU of a data-parallel run holds).
     */
    private static final class Gpu {
        int threads = 1;
        int cudnnHandles;
        int streams;
        int cudnnConvLayers;
        long testForwardHost;
        long testForwardDevice;

        void add(Gpu other) {
            threads += other.threads;
            cudnnHandles += other.cudnnHandles;
            streams += other.streams;
            cudnnConvLayers += other.cudnnConvLayers;
            testForwardHost += other.testForwardHost;
            testForwardDevice += other.testForwardDevice;
        }

        void count(NetGraph graph) {
            for (NetGraph.Layer l : graph.layers()) {
                cudnnHandles += Engine.cudnnHandles(l);
                streams += Engine.streams(l);
                if (l.type().equals("Convolution") && Engine.cudnn(l)) {
                    cudnnConvLayers++;
                }
                if (Engine.prefetching(l.type())) {
                    threads++;
                    streams++;
                }
            }
        }
    }

    /**
     * What the three evaluations of one estimate have in common, built once: the nets for a state
     * ({@link NetSpec#of} does not depend on shapes), the wired and shaped nets for given overrides
     * (the solver's test nets keep their batch while the train net's changes), and the test nets'
     * definitions (a test_net file is read once). All are pure functions of their keys, and nothing
     * downstream modifies a NetSpec, a NetGraph or a NetParameter.
     */
    private static final class Memo {
        private final Map<Message, Map<NetState, NetSpec>> specs = new IdentityHashMap<>();
        private final Map<NetSpec, Map<ShapeOverrides, NetGraph>> graphs = new IdentityHashMap<>();
        private final Map<Integer, Message> testSources = new HashMap<>();
        private final Map<NetSpec, Map<String, Map<String, Double>>> features = new IdentityHashMap<>();
        private final Map<Integer, TestNetRun> testRuns = new HashMap<>();

        NetGraph graph(Message net, NetState state, ShapeOverrides overrides) {
            NetSpec spec = specs.computeIfAbsent(net, k -> new HashMap<>()).get(state);
            if (spec == null) {
                spec = NetSpec.of(net, state);
                specs.get(net).put(state, spec);
            }
            Map<ShapeOverrides, NetGraph> byOverrides = graphs.computeIfAbsent(spec, k -> new HashMap<>());
            NetGraph graph = byOverrides.get(overrides);
            if (graph == null) {
                graph = NetGraph.build(spec, new LayerKinds(overrides), overrides);
                byOverrides.put(overrides, graph);
            }
            return graph;
        }

        /**
         * {@link Bookkeeping#features}, a function of the graph's structure, the solver, copies and role. The
         * structure (layers, splits, blobs, params) is the same at every batch, so one net's graphs share it.
         */
        Map<String, Double> features(NetGraph graph, SolverType solver, int copies, String role) {
            return features.computeIfAbsent(graph.spec(), k -> new HashMap<>())
                    .computeIfAbsent(solver + "/" + copies + "/" + role,
                            k -> Bookkeeping.features(graph, solver, copies, role));
        }

        Message testSource(EstimateRequest req, SolverSettings.TestNet t, int index) {
            Message source = testSources.get(index);
            if (source == null) {
                source = t.netParam() != null ? dev.caffemem.net.NetUpgrade.upgrade(t.netParam())
                        : t.netFile() != null ? req.testNetLoader().apply(t.netFile()) : req.net();
                testSources.put(index, source);
            }
            return source;
        }
    }

    public static Estimate estimate(EstimateRequest req) {
        Memo memo = new Memo();
        Run target = run(req, memo);
        int batch = batchOf(target.graph());
        Map<Component, Long> at = target.components();
        Map<Component, Long> fixed = new EnumMap<>(Component.class);
        Map<Component, Long> perSample = new EnumMap<>(Component.class);
        Run one = null;
        Run two = null;
        // 2 and 3, not 1 and 2: some layers take another path when a dimension is 1 (Scale's backward
        // skips sum_result_ when the outer dimension is 1), which would bend the line
        int other = 2;
        String ownBatchOnly = null;
        try {
            one = run(req.withBatch(other), memo);
            other = 3;
            two = run(req.withBatch(other), memo);
        } catch (NetException e) {
            // The net built at the target batch, so what fails here is the batch: a net that only runs at its
            // own (a Reshape with the batch written in). Its bill stands; only the line cannot be drawn.
            one = null;
            two = null;
            ownBatchOnly = "the net builds only at its own batch (at batch " + other + ": " + e.getMessage()
                    + "), so there is no per-sample figure: the bill is all fixed";
        }
        boolean linear = fit(one, two, batch, at, fixed, perSample);
        List<String> notes = new ArrayList<>(target.notes());
        // said once, of the estimated net (the runs at other batches only give the line)
        notes.addAll(DataNotes.of(target.graph(), req.mode()));
        if (ownBatchOnly != null) {
            notes.add(ownBatchOnly);
        } else if (!linear) {
            notes.add("the bill is not linear in the batch for this net: fixed and per-sample figures are approximate");
        }
        GpuBill gpu = req.gpu() == null ? null : gpuBill(req, target, one, two, batch, notes);
        return new Estimate(target.graph().spec().name(), req.phase(), req.mode(),
                req.phase() == Phase.TRAIN ? req.solver().type().caffeName() : "none", batch,
                target.graph().caffeLogBytes(), new MemoryBreakdown(at), fixed, perSample, linear,
                layerBills(target), target.tests(), notes, target.allocations().touched(), target.overheadFeatures(),
                gpu);
    }

    private static GpuBill gpuBill(EstimateRequest req, Run target, Run one, Run two, int batch, List<String> notes) {
        GpuSettings s = req.gpu();
        long[] host = line(target, one, two, Side.HOST, batch);
        long[] device = line(target, one, two, Side.DEVICE, batch);
        Gpu g = target.gpu();
        GpuBill.MultiGpu multi = null;
        if (s.gpus() > 1) {
            long root = target.total(Side.DEVICE);
            long worker = root - g.testForwardDevice;
            long hostAll = target.total(Side.HOST) + (s.gpus() - 1L) * (target.total(Side.HOST) - g.testForwardHost);
            long p = 0;
            for (NetGraph.Param param : target.graph().params()) {
                if (param.learnable()) {
                    p += param.shape().count();
                }
            }
            multi = new GpuBill.MultiGpu(s.gpus(), root, worker, root - worker, 2 * Float.BYTES * Math.max(1, p),
                    hostAll);
            notes.add("data-parallel training as BVLC Caffe 1.0 built with NCCL runs it (caffe train --gpu 0,1,...): "
                    + "each GPU holds a full replica at the prototxt batch (" + batch + ", " + (batch * s.gpus())
                    + " samples per iteration in all); the JavaCPP preset's libcaffe is built without NCCL");
            notes.add("NCCL's own communicator buffers are not included (NCCL-version dependent)");
        }
        if (!s.assumptions().isEmpty()) {
            notes.add((s.calibrated() ? "assumed for " + s.name() + " (not measured): "
                    : "the device profile " + s.name() + " is not calibrated; assumed: ")
                    + String.join(", ", s.assumptions())
                    + (s.calibrated() ? "" : "; caffemem calibrate on the device measures them"));
        }
        if (g.cudnnConvLayers > 0) {
            notes.add(g.cudnnConvLayers + " convolution layer(s) on cuDNN: each workspace is "
                    + (s.convWorkspaceBytes() != null ? "the calibrated figure" : "Caffe 1.0's bound of 8 MiB x 3 x group")
                    + "; the JavaCPP build's cuDNN 8 patch lifts the limit, so a real workspace can be larger "
                    + "(engine: CAFFE in convolution_param avoids cuDNN)");
        }
        return new GpuBill(s, new MemoryBreakdown(target.allocations().byComponent(Side.HOST)),
                new MemoryBreakdown(target.allocations().byComponent(Side.DEVICE)), host[0], host[1], device[0],
                device[1], g.threads, g.cudnnHandles, g.streams, g.cudnnConvLayers, multi);
    }

    /** {fixed, perSample} of one side's total, anchored at the target like the components. */
    private static long[] line(Run target, Run one, Run two, Side side, int batch) {
        long at = target.total(side);
        if (one == null) {
            return new long[] {at, 0};
        }
        // as for the components: the overhead's slope is rounding noise, not growth
        long slope = two.total(side) - two.allocations().byComponent(side).get(Component.OVERHEAD)
                - one.total(side) + one.allocations().byComponent(side).get(Component.OVERHEAD);
        return new long[] {at - slope * batch, slope};
    }

    /**
     * fixed + perSample x batch: the slope from evaluations at batch 2 and 3, the line anchored at the
     * target so that it gives the target's bill exactly. Buffers are exactly linear in the batch for
     * almost every net (checked here); the overhead is not quite, because glibc rounds large buffers
     * to whole pages, so it does not count against linearity.
     */
    private static boolean fit(Run runOne, Run runTwo, int batch, Map<Component, Long> at,
                               Map<Component, Long> fixed, Map<Component, Long> perSample) {
        if (runOne == null) {
            for (Component c : Component.values()) {
                fixed.put(c, at.get(c));
                perSample.put(c, 0L);
            }
            return false;
        }
        Map<Component, Long> one = runOne.components();
        Map<Component, Long> two = runTwo.components();
        boolean linear = true;
        for (Component c : Component.values()) {
            // objects do not grow with the batch; the overhead's slope between two small batches is
            // only glibc's rounding noise, which anchoring would multiply by the batch
            long slope = c == Component.OVERHEAD ? 0 : two.get(c) - one.get(c);
            perSample.put(c, slope);
            fixed.put(c, at.get(c) - slope * batch);
            if (c != Component.OVERHEAD) {
                linear &= one.get(c) + slope * (batch - 2L) == at.get(c);
            }
        }
        return linear;
    }

    private static Run run(EstimateRequest req, Memo memo) {
        Allocations allocations = new Allocations();
        Map<String, Double> features = new java.util.TreeMap<>();
        List<String> notes = new ArrayList<>();
        Message solverState = null;
        NetGraph graph = graph(memo, req.net(), req.phase(), req.stages(), req.train(), solverState);
        NetSimulator net = new NetSimulator(graph, req.mode(), allocations, "", Map.of(), req.gpu());
        Gpu gpu = new Gpu();
        if (req.gpu() != null) {
            gpu.count(graph);
        }
        net.setUp();
        List<Estimate.TestNetBill> tests = new ArrayList<>();
        if (req.phase() == Phase.TRAIN) {
            net.clearParamDiffs();
            net.forward();
            net.backward();
            // ApplyUpdate's kernels: the solver's buffers live where the math runs
            allocations.placement().on(req.gpu() != null ? Side.DEVICE : Side.HOST, () ->
                    SolverModel.apply(allocations, net.learnableParams(), learnableLayers(graph), decayMults(graph),
                            req.solver(), req.mode()));
            features.putAll(overhead(memo, req, allocations, graph, net.blobObjects(), req.solver().type(),
                    req.retainedNetCopies(), "", "net.train"));
            if (req.solver().assumed()) {
                notes.add("no solver given: SGD with momentum assumed, and no test net");
            }
            int index = 0;
            for (SolverSettings.TestNet t : req.solver().testNets()) {
                tests.add(testNet(req, memo, t, index++, net, allocations, features, gpu));
            }
        } else {
            net.forward();
            features.putAll(overhead(memo, req, allocations, graph, net.blobObjects(), null, req.retainedNetCopies(),
                    "", "net.alone"));
        }
        if (req.gpu() != null) {
            cudaContext(allocations, req.gpu(), gpu);
        }
        return new Run(graph, allocations, tests, notes, features, gpu);
    }

    /**
     * The CUDA context and the libraries' handles, priced from the device settings: one context, a
     * cuBLAS handle and a cuRAND generator per thread with a Caffe context, and the nets' cuDNN handles
     * and streams. All on the device.
     */
    private static void cudaContext(Allocations allocations, GpuSettings s, Gpu g) {
        allocations.create("cuda/context", s.contextBytes(), Component.CUDA_CONTEXT, -1).touchOn(Side.DEVICE);
        allocations.create("cuda/cublasHandles", g.threads * s.cublasHandleBytes(), Component.CUDA_CONTEXT, -1)
                .touchOn(Side.DEVICE);
        allocations.create("cuda/curandGenerators", g.threads * s.curandGeneratorBytes(), Component.CUDA_CONTEXT, -1)
                .touchOn(Side.DEVICE);
        allocations.create("cuda/cudnnHandles", g.cudnnHandles * s.cudnnHandleBytes(), Component.CUDA_CONTEXT, -1)
                .touchOn(Side.DEVICE);
        allocations.create("cuda/streams", g.streams * s.streamBytes(), Component.CUDA_CONTEXT, -1)
                .touchOn(Side.DEVICE);
    }

    private static Estimate.TestNetBill testNet(EstimateRequest req, Memo memo, SolverSettings.TestNet t, int index,
                                                NetSimulator train, Allocations allocations,
                                                Map<String, Double> features, Gpu gpu) {
        TestNetRun done = memo.testRuns.get(index);
        if (done == null) {
            done = simulateTestNet(req, memo, t, index, train, allocations.placement());
            memo.testRuns.put(index, done);
        }
        done.features().forEach((k, v) -> features.merge(k, v, Double::sum));
        gpu.add(done.gpu());
        for (Buffer b : done.buffers()) {
            allocations.create(b::key, b.bytes(), Component.TEST_NET, -1).touchLike(b);
        }
        return done.bill();
    }

    /**
     * One test net, set up and run forward once per estimate: it keeps its own batch whatever the train
     * net's, and the train parameters it shares are already touched on the same sides by the train net,
     * so its buffers are the same in the runs at every train batch.
     */
    private static TestNetRun simulateTestNet(EstimateRequest req, Memo memo, SolverSettings.TestNet t, int index,
                                              NetSimulator train, Placement placement) {
        Message source = memo.testSource(req, t, index);
        NetGraph graph = graph(memo, source, Phase.TEST, req.stages(), req.test(), t.state());
        // one placement: the test net's forward touches the train net's parameters too
        Allocations own = new Allocations(placement);
        NetSimulator test = new NetSimulator(graph, req.mode(), own, "test" + index + "/", train.paramsByLayer(),
                req.gpu());
        Gpu counts = new Gpu();
        counts.threads = 0;
        if (req.gpu() != null) {
            counts.count(graph);
        }
        test.setUp();
        long setupHost = sum(own, Side.HOST);
        long setupDevice = sum(own, Side.DEVICE);
        test.forward();
        counts.testForwardHost = sum(own, Side.HOST) - setupHost;
        counts.testForwardDevice = sum(own, Side.DEVICE) - setupDevice;
        // a generic test net shares the solver's NetParameter; its own file is read and freed like the train net's
        Map<String, Double> features = overhead(memo, req, own, graph, test.blobObjects(), null, 0,
                "test" + index + "/", "net.test");
        List<Buffer> buffers = own.touched();
        long total = 0;
        for (Buffer b : buffers) {
            total += b.bytes() * ((b.touchedOn(Side.HOST) ? 1 : 0) + (b.touchedOn(Side.DEVICE) ? 1 : 0));
        }
        return new TestNetRun(buffers, features, counts,
                new Estimate.TestNetBill(index, batchOf(graph), graph.caffeLogBytes(), total));
    }

    /** What one test net adds to every run of an estimate. */
    private record TestNetRun(List<Buffer> buffers, Map<String, Double> features, Gpu gpu, Estimate.TestNetBill bill) {
    }

    private static long sum(Allocations a, Side side) {
        return a.byComponent(side).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The net's bookkeeping (objects, protobuf copies, allocator rounding of its buffers) as one host
     * buffer. In GPU mode Caffe's host buffers are pinned (cudaMallocHost rounds them to pages, every
     * Blob's shape buffer included), and cudaMalloc's rounding of the device buffers is a second,
     * device-side buffer.
     */
    private static Map<String, Double> overhead(Memo memo, EstimateRequest req, Allocations allocations, NetGraph graph,
                                                int blobObjects, SolverType solver, int copies, String prefix,
                                                String role) {
        Map<String, Double> features = memo.features(graph, solver, copies, role);
        GpuSettings gpu = req.gpu();
        if (gpu == null) {
            long bytes = Bookkeeping.objects(features) + Bookkeeping.rounding(allocations.touched());
            allocations.create(prefix + "overhead", bytes, Component.OVERHEAD, -1).touch();
            return features;
        }
        long pinned = 0;
        long device = 0;
        for (Buffer b : allocations.touched()) {
            if (b.touchedOn(Side.HOST)) {
                pinned += gpu.pinnedChunk(b.bytes()) - b.bytes();
            }
            if (b.touchedOn(Side.DEVICE)) {
                device += gpu.deviceChunk(b.bytes()) - b.bytes();
            }
        }
        // a shape buffer (4 bytes per axis, 4 axes typically) is a pinned allocation instead of a glibc chunk
        long shapes = blobObjects * Math.max(0, gpu.pinnedChunk(4 * 4) - Bookkeeping.chunk(4 * 4));
        allocations.create(prefix + "overhead", Bookkeeping.objects(features) + pinned + shapes, Component.OVERHEAD, -1)
                .touchOn(Side.HOST);
        allocations.create(prefix + "deviceRounding", device, Component.OVERHEAD, -1).touchOn(Side.DEVICE);
        return features;
    }

    private static NetGraph graph(Memo memo, Message net, Phase phase, List<String> stages, ShapeOverrides overrides,
                                  Message stateOverride) {
        Message state = stateOverride != null ? stateOverride : net.getMessage("state");
        List<String> extra = new ArrayList<>(stages);
        if (stateOverride != null) {
            extra.addAll(0, net.getMessage("state").getStrings("stage"));
        }
        NetState netState = NetState.merged(state, phase, extra);
        return memo.graph(net, netState, overrides);
    }

    private static List<Integer> learnableLayers(NetGraph graph) {
        List<Integer> out = new ArrayList<>();
        for (NetGraph.Param p : graph.params()) {
            if (p.learnable()) {
                out.add(p.layer());
            }
        }
        return out;
    }

    /** {@code params_weight_decay_} of each learnable param (decay_mult, default 1). */
    private static List<Double> decayMults(NetGraph graph) {
        List<Double> out = new ArrayList<>();
        for (NetGraph.Param p : graph.params()) {
            if (p.learnable()) {
                Message layer = graph.layers().get(p.layer()).spec().param();
                out.add(p.index() < layer.count("param")
                        ? layer.getMessage("param", p.index()).getDouble("decay_mult") : 1.0);
            }
        }
        return out;
    }

    /** The batch of a net: the first dimension of its first data layer's first top. */
    static int batchOf(NetGraph graph) {
        for (NetGraph.Layer l : graph.layers()) {
            if (LayerKinds.isDataLayer(l.type()) && !l.topShapes().isEmpty() && l.topShapes().get(0).axes() > 0) {
                return l.topShapes().get(0).dim(0);
            }
        }
        return 1;
    }

    private static List<LayerBill> layerBills(Run run) {
        Map<Integer, Map<Component, Long>> byLayer = new HashMap<>();
        for (Buffer b : run.allocations().touched()) {
            if (b.layer() >= 0 && b.component() != Component.TEST_NET) {
                // a buffer with a host and a device copy costs on both sides
                long sides = (b.touchedOn(Side.HOST) ? 1 : 0) + (b.touchedOn(Side.DEVICE) ? 1 : 0);
                byLayer.computeIfAbsent(b.layer(), k -> new EnumMap<>(Component.class))
                        .merge(b.component(), b.bytes() * sides, Long::sum);
            }
        }
        List<LayerBill> bills = new ArrayList<>();
        for (NetGraph.Layer l : run.graph().layers()) {
            List<LayerBill.Top> tops = new ArrayList<>();
            for (int t = 0; t < l.tops().size(); t++) {
                tops.add(new LayerBill.Top(run.graph().blob(l.tops().get(t)).name(), l.topShapes().get(t)));
            }
            bills.add(new LayerBill(l.name(), l.type(), tops, byLayer.getOrDefault(l.index(), Map.of())));
        }
        return bills;
    }
}
