package dev.caffemem.model;

import dev.caffemem.memory.Component;
import dev.caffemem.memory.Side;
import dev.caffemem.memory.Timeline;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Phase;
import dev.caffemem.prototxt.Message;
import dev.caffemem.shape.LayerKinds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One evaluation of a request at one batch: the life of a Caffe process replayed in order (tools/caffe.cpp,
 * src/caffe/solver.cpp): the train net built layer by layer, the solver's test nets built, then iteration 0
 * (the gradients cleared, the first test pass, forward, backward, the solver's update) and the snapshot; or,
 * for inference, the net built and run forward. Every buffer it touches and frees is on the clock.
 */
final class Simulation {

    private Simulation() {
    }

    /** What one evaluation leaves behind. */
    record Run(NetGraph graph, Allocations allocations, List<Estimate.TestNetBill> tests, List<String> notes,
               Map<String, Double> overheadFeatures, GpuBilling.Counts gpu, Timeline timeline,
               java.util.Set<String> dataSources) {
        Map<Component, Long> components() {
            return allocations.byComponent();
        }
    }

    static Run run(EstimateRequest req, NetCache cache) {
        Allocations allocations = new Allocations();
        Clock clock = allocations.clock();
        // the CUDA context and handles exist before the first layer; they are priced once the nets are known
        int processStart = clock.tick();
        clock.mark(Timeline.Stage.PROCESS_START, -1, -1, null);
        NetGraph graph = cache.graph(req.net(), req.phase(), req.stages(), req.train(), null);
        NetSimulator net = new NetSimulator(graph, req.mode(), allocations, -1, Map.of(), req.gpu(), req.runtime());
        GpuBilling.Counts gpu = GpuBilling.Counts.forMainNet(graph, req.gpu() != null);
        boolean train = req.phase() == Phase.TRAIN;
        SolverType solverType = train ? req.solver().type() : null;
        String role = train ? "net.train" : "net.alone";
        Map<String, Double> features = new TreeMap<>(cache.features(graph, solverType, req.retainedNetCopies(), role));
        net.setUp();
        clock.mark(Timeline.Stage.NET_INIT_DONE, -1, -1, null, Bookkeeping.objects(features));
        List<Long> parsedWeights = req.runtime().loadsWeights() ? loadWeights(clock, graph) : List.of();
        List<Estimate.TestNetBill> tests = new ArrayList<>();
        List<TestNets.Run> testRuns = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (train) {
            iteration(req, cache, allocations, net, graph, features, gpu, tests, testRuns);
            if (req.solver().assumed()) {
                notes.add("no solver given: SGD with momentum assumed, no test net, and Caffe's default final snapshot");
            }
        } else {
            firstGemm(req, graph, clock);
            net.forward();
            clock.mark(Timeline.Stage.FORWARD, -1, -1, null);
        }
        Overhead.add(cache, req, allocations, graph, net.blobObjects(), solverType, req.retainedNetCopies(), -1, role);
        if (train && req.solver().schedule().snapshots()) {
            SnapshotModel.simulate(clock, graph, req.solver(), req.runtime().fixedMmapThreshold() ? 0
                    : MmapThreshold.before(allocations, graph, testRuns, parsedWeights));
        }
        if (req.gpu() != null) {
            GpuBilling.cudaContext(allocations, req.gpu(), gpu, processStart);
        }
        Timeline timeline = Timelines.of(allocations, req.gpu() != null ? Side.DEVICE : Side.HOST, req.gpu(),
                ProcessBaseline.bytes(req.mode()));
        java.util.Set<String> sources = new java.util.TreeSet<>(dataSources(graph));
        testRuns.forEach(t -> sources.addAll(dataSources(t.graph())));
        return new Run(graph, allocations, tests, notes, features, gpu, timeline, sources);
    }

    /**
     * Solver construction's test nets, then iteration 0 as Solver::Step runs it: ClearParamDiffs, the test pass
     * (with test_initialization, else at the first test_interval), ForwardBackward, ApplyUpdate.
     */
    private static void iteration(EstimateRequest req, NetCache cache, Allocations allocations, NetSimulator net,
                                  NetGraph graph, Map<String, Double> features, GpuBilling.Counts gpu,
                                  List<Estimate.TestNetBill> tests, List<TestNets.Run> runs) {
        Clock clock = allocations.clock();
        List<SolverSettings.TestNet> testNets = req.solver().testNets();
        List<Integer> initBases = new ArrayList<>();
        for (int k = 0; k < testNets.size(); k++) {
            TestNets.Run run = TestNets.of(req, cache, testNets.get(k), k, net, allocations.placement());
            runs.add(run);
            initBases.add(TestNets.placeInit(run, clock));
        }
        net.clearParamDiffs();
        clock.mark(Timeline.Stage.CLEAR_DIFFS, 0, -1, null);
        firstGemm(req, graph, clock);
        boolean testFirst = req.solver().testInitialization();
        if (testFirst) {
            passes(runs, initBases, 0, allocations, features, gpu, tests);
        }
        net.forward();
        clock.mark(Timeline.Stage.FORWARD, 0, -1, null);
        net.backward();
        clock.mark(Timeline.Stage.BACKWARD, 0, -1, null);
        // ApplyUpdate's kernels: the solver's buffers live where the math runs
        allocations.placement().on(req.gpu() != null ? Side.DEVICE : Side.HOST, () ->
                SolverModel.apply(allocations, net.learnableParams(), learnableLayers(graph), decayMults(graph),
                        req.solver(), req.mode()));
        clock.mark(Timeline.Stage.UPDATE, 0, -1, null);
        if (!testFirst) {
            int at = (int) Math.min(Integer.MAX_VALUE, Math.max(1, req.solver().schedule().testInterval()));
            passes(runs, initBases, at, allocations, features, gpu, tests);
        }
    }

    /** OpenBLAS's other threads make their packing buffers resident at the first GEMM (CPU mode). */
    private static void firstGemm(EstimateRequest req, NetGraph graph, Clock clock) {
        if (req.mode() == Mode.CPU) {
            long largest = 0;
            for (NetGraph.Param p : graph.params()) {
                largest = Math.max(largest, p.shape().count() * Float.BYTES);
            }
            clock.delta(Side.HOST, (req.runtime().blasThreads() - 1L) * ProcessBaseline.blasThread(largest));
        }
    }

    /**
     * {@code Net::CopyTrainedLayersFrom} of a .caffemodel ({@code caffe test}, {@code caffe train --weights}):
     * {@code ReadProtoFromBinaryFile} parses the whole file, every blob's packed floats into an array of its exact
     * size (protobuf's packed fast path), which coexists with the filled weights until the message is freed.
     * The file's blobs are taken to be this net's layers' (each layer's own, shared ones again).
     *
     * @return the parsed arrays' sizes in bytes (their chunks, freed, may raise glibc's mmap threshold)
     */
    private static List<Long> loadWeights(Clock clock, NetGraph graph) {
        List<Long> arrays = new ArrayList<>();
        long held = 0;
        for (NetGraph.Layer l : graph.layers()) {
            for (int p : l.params()) {
                long bytes = graph.params().get(p).shape().count() * Float.BYTES + 8;
                arrays.add(bytes);
                long chunk = Bookkeeping.chunk(bytes);
                held += chunk;
                clock.delta(Side.HOST, chunk);
            }
        }
        clock.delta(Side.HOST, -held);
        clock.mark(Timeline.Stage.LOAD_WEIGHTS, -1, -1, null);
        return arrays;
    }

    private static void passes(List<TestNets.Run> runs, List<Integer> initBases, int iteration, Allocations allocations,
                               Map<String, Double> features, GpuBilling.Counts gpu, List<Estimate.TestNetBill> tests) {
        for (int k = 0; k < runs.size(); k++) {
            tests.add(TestNets.placePass(runs.get(k), initBases.get(k), iteration, allocations, features, gpu));
        }
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

    /** The databases a net's Data layers read (their sources as written). */
    private static List<String> dataSources(NetGraph graph) {
        List<String> out = new ArrayList<>();
        for (NetGraph.Layer l : graph.layers()) {
            if (l.type().equals("Data")) {
                out.add(l.spec().params("data_param").getString("source"));
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
}
