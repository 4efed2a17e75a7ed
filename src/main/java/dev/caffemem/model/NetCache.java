package dev.caffemem.model;

import dev.caffemem.net.NetGraph;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.NetState;
import dev.caffemem.net.NetUpgrade;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import dev.caffemem.shape.LayerKinds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the evaluations of one estimate have in common, built once: the nets for a state ({@link NetSpec#of}
 * does not depend on shapes), the wired and shaped nets for given overrides (the solver's test nets keep their
 * batch while the train net's changes), the bookkeeping features of a net's structure, the test nets'
 * definitions (a test_net file is read once) and their simulations. All are pure functions of their keys, and
 * nothing downstream modifies a NetSpec, a NetGraph or a NetParameter.
 */
final class NetCache {
    private final Map<Message, Map<NetState, NetSpec>> specs = new IdentityHashMap<>();
    private final Map<NetSpec, Map<ShapeOverrides, NetGraph>> graphs = new IdentityHashMap<>();
    private final Map<Integer, Message> testSources = new HashMap<>();
    private final Map<NetSpec, Map<String, Map<String, Double>>> features = new IdentityHashMap<>();
    private final Map<Integer, TestNets.Run> testRuns = new HashMap<>();

    /**
     * The net Caffe builds from {@code net} in {@code phase}: the net's own state, or a solver's
     * {@code test_state} (whose stages come after the net's), plus the stages given on the command line.
     */
    NetGraph graph(Message net, Phase phase, List<String> stages, ShapeOverrides overrides, Message stateOverride) {
        Message state = stateOverride != null ? stateOverride : net.getMessage("state");
        List<String> extra = new ArrayList<>(stages);
        if (stateOverride != null) {
            extra.addAll(0, net.getMessage("state").getStrings("stage"));
        }
        return graph(net, NetState.merged(state, phase, extra), overrides);
    }

    private NetGraph graph(Message net, NetState state, ShapeOverrides overrides) {
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

    /** The NetParameter of a solver's test net {@code index}: inline, from its file, or the train net's. */
    Message testSource(EstimateRequest req, SolverSettings.TestNet t, int index) {
        Message source = testSources.get(index);
        if (source == null) {
            source = t.netParam() != null ? NetUpgrade.upgrade(t.netParam())
                    : t.netFile() != null ? req.testNetLoader().apply(t.netFile()) : req.net();
            testSources.put(index, source);
        }
        return source;
    }

    TestNets.Run testRun(int index) {
        return testRuns.get(index);
    }

    void putTestRun(int index, TestNets.Run run) {
        testRuns.put(index, run);
    }
}
