package dev.caffemem.model;

import dev.caffemem.memory.Component;
import dev.caffemem.memory.Side;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Phase;
import dev.caffemem.prototxt.Message;
import dev.caffemem.shape.LayerKinds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One evaluation of a request at one batch: the nets a Caffe process builds (the train net and the solver's
 * test nets, or one inference net), one iteration replayed on them, and every buffer it touches.
 */
final class Simulation {

    private Simulation() {
    }

    /** What one evaluation leaves behind. */
    record Run(NetGraph graph, Allocations allocations, List<Estimate.TestNetBill> tests, List<String> notes,
               Map<String, Double> overheadFeatures, GpuBilling.Counts gpu) {
        Map<Component, Long> components() {
            return allocations.byComponent();
        }
    }

    static Run run(EstimateRequest req, NetCache cache) {
        Allocations allocations = new Allocations();
        Map<String, Double> features = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        NetGraph graph = cache.graph(req.net(), req.phase(), req.stages(), req.train(), null);
        NetSimulator net = new NetSimulator(graph, req.mode(), allocations, -1, Map.of(), req.gpu());
        GpuBilling.Counts gpu = GpuBilling.Counts.forMainNet(graph, req.gpu() != null);
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
            features.putAll(Overhead.add(cache, req, allocations, graph, net.blobObjects(), req.solver().type(),
                    req.retainedNetCopies(), -1, "net.train"));
            if (req.solver().assumed()) {
                notes.add("no solver given: SGD with momentum assumed, and no test net");
            }
            int index = 0;
            for (SolverSettings.TestNet t : req.solver().testNets()) {
                tests.add(TestNets.add(req, cache, t, index++, net, allocations, features, gpu));
            }
        } else {
            net.forward();
            features.putAll(Overhead.add(cache, req, allocations, graph, net.blobObjects(), null,
                    req.retainedNetCopies(), -1, "net.alone"));
        }
        if (req.gpu() != null) {
            GpuBilling.cudaContext(allocations, req.gpu(), gpu);
        }
        return new Run(graph, allocations, tests, notes, features, gpu);
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
}
