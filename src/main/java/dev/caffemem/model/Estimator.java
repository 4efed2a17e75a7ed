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
                       Map<String, Double> overheadFeatures) {
        Map<Component, Long> components() {
            return allocations.byComponent();
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
        private final Map<NetGraph, Map<String, Map<String, Double>>> features = new IdentityHashMap<>();

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

        /** {@link Bookkeeping#features}, a function of the graph's structure, the solver, copies and role. */
        Map<String, Double> features(NetGraph graph, SolverType solver, int copies, String role) {
            return features.computeIfAbsent(graph, k -> new HashMap<>())
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
        boolean linear = fit(req, memo, batch, at, fixed, perSample);
        List<String> notes = new ArrayList<>(target.notes());
        if (!linear) {
            notes.add("the bill is not linear in the batch for this net: fixed and per-sample figures are approximate");
        }
        return new Estimate(target.graph().spec().name(), req.phase(), req.mode(),
                req.phase() == Phase.TRAIN ? req.solver().type().caffeName() : "none", batch,
                target.graph().caffeLogBytes(), new MemoryBreakdown(at), fixed, perSample, linear,
                layerBills(target), target.tests(), notes, target.allocations().touched(), target.overheadFeatures());
    }

    /**
     * fixed + perSample x batch: the slope from evaluations at batch 1 and 2, the line anchored at the
     * target so that it gives the target's bill exactly. Buffers are exactly linear in the batch for
     * almost every net (checked here); the overhead is not quite, because glibc rounds large buffers
     * to whole pages, so it does not count against linearity.
     */
    private static boolean fit(EstimateRequest req, Memo memo, int batch, Map<Component, Long> at,
                               Map<Component, Long> fixed, Map<Component, Long> perSample) {
        Map<Component, Long> one;
        Map<Component, Long> two;
        try {
            one = run(req.withBatch(1), memo).components();
            two = run(req.withBatch(2), memo).components();
        } catch (NetException e) {
            // a net that only runs at its own batch (e.g. a Reshape with an explicit batch dimension)
            for (Component c : Component.values()) {
                fixed.put(c, at.get(c));
                perSample.put(c, 0L);
            }
            return false;
        }
        boolean linear = true;
        for (Component c : Component.values()) {
            // objects do not grow with the batch; the overhead's slope between two small batches is
            // only glibc's rounding noise, which anchoring would multiply by the batch
            long slope = c == Component.OVERHEAD ? 0 : two.get(c) - one.get(c);
            perSample.put(c, slope);
            fixed.put(c, at.get(c) - slope * batch);
            if (c != Component.OVERHEAD) {
                linear &= one.get(c) + slope * (batch - 1L) == at.get(c);
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
        NetSimulator net = new NetSimulator(graph, req.mode(), allocations, "", Map.of());
        net.setUp();
        List<Estimate.TestNetBill> tests = new ArrayList<>();
        if (req.phase() == Phase.TRAIN) {
            net.clearParamDiffs();
            net.forward();
            net.backward();
            SolverModel.apply(allocations, net.learnableParams(), learnableLayers(graph), decayMults(graph),
                    req.solver(), req.mode());
            features.putAll(overhead(memo, allocations, graph, req.solver().type(), req.retainedNetCopies(), "",
                    "net.train"));
            if (req.solver().assumed()) {
                notes.add("no solver given: SGD with momentum assumed, and no test net");
            }
            int index = 0;
            for (SolverSettings.TestNet t : req.solver().testNets()) {
                tests.add(testNet(req, memo, t, index++, net, allocations, features));
            }
        } else {
            net.forward();
            features.putAll(overhead(memo, allocations, graph, null, req.retainedNetCopies(), "", "net.alone"));
        }
        notes.addAll(DataNotes.of(graph));
        return new Run(graph, allocations, tests, notes, features);
    }

    private static Estimate.TestNetBill testNet(EstimateRequest req, Memo memo, SolverSettings.TestNet t, int index,
                                                NetSimulator train, Allocations allocations,
                                                Map<String, Double> features) {
        Message source = memo.testSource(req, t, index);
        NetGraph graph = graph(memo, source, Phase.TEST, req.stages(), req.test(), t.state());
        Allocations own = new Allocations();
        NetSimulator test = new NetSimulator(graph, req.mode(), own, "test" + index + "/", train.paramsByLayer());
        test.setUp();
        test.forward();
        // a generic test net shares the solver's NetParameter; its own file is read and freed like the train net's
        overhead(memo, own, graph, null, 0, "test" + index + "/", "net.test")
                .forEach((k, v) -> features.merge(k, v, Double::sum));
        long total = 0;
        for (Buffer b : own.touched()) {
            Buffer copy = allocations.create(b::key, b.bytes(), Component.TEST_NET, -1);
            copy.touch();
            total += b.bytes();
        }
        return new Estimate.TestNetBill(index, batchOf(graph), graph.caffeLogBytes(), total);
    }

    /** The net's bookkeeping (objects, protobuf copies, malloc rounding of its buffers) as one buffer. */
    private static Map<String, Double> overhead(Memo memo, Allocations allocations, NetGraph graph, SolverType solver,
                                                int copies, String prefix, String role) {
        Map<String, Double> features = memo.features(graph, solver, copies, role);
        long bytes = Bookkeeping.objects(features) + Bookkeeping.rounding(allocations.touched());
        allocations.create(prefix + "overhead", bytes, Component.OVERHEAD, -1).touch();
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
                byLayer.computeIfAbsent(b.layer(), k -> new EnumMap<>(Component.class))
                        .merge(b.component(), b.bytes(), Long::sum);
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
