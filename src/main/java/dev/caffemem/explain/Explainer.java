package dev.caffemem.explain;

import dev.caffemem.memory.Timeline;
import dev.caffemem.memory.Timeline.Stage;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.Estimator;
import dev.caffemem.net.NetException;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.NetState;
import dev.caffemem.net.NetUpgrade;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import dev.caffemem.shape.LayerKinds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Explains a Caffe log: estimates the run it came from, checks the log's shapes against the estimate's, places the
 * log's end on the run's timeline, and finds what would have fit.
 */
public final class Explainer {
    private Explainer() {
    }

    public static Explanation explain(CaffeLog log, ExplainInput in) {
        if (log.glog().isEmpty()) {
            throw ExplainException.badInput(log.fileName() + ": no Caffe log line found (glog's header, e.g. "
                    + "\"I0817 21:32:48.073011 11306 net.cpp:129] ...\")", null);
        }
        List<String> notes = new ArrayList<>();
        if (log.gpu()) {
            notes.add("the run used a GPU; this explanation bills host memory as a CPU run's (caffemem estimate "
                    + "--device gpu bills device memory)");
        }
        if (log.resumed()) {
            notes.add("the run resumed from a solver state: its first iteration here is iteration 0 of the timeline");
        }
        RunSetup setup = RunSetup.of(log, in, notes);
        Estimate e;
        try {
            e = Estimator.estimate(setup.request());
        } catch (NetException | dev.caffemem.prototxt.PrototxtException ex) {
            if (log.fatal() == null) {
                throw ex;
            }
            // the run aborted on its net: say Caffe's words and caffemem's together
            throw ExplainException.badInput(log.fileName() + ":" + log.fatal().number() + ": the run aborted: \""
                    + log.fatal().message() + "\" (" + log.fatal().position() + "); caffemem cannot build the net either: "
                    + ex.getMessage(), ex);
        }
        Timeline t = e.peak().timeline();
        List<String> version = CaffeVersion.differences(log);
        ShapeCheck shapes = ShapeCheck.of(graphs(log, setup, notes),
                new ShapeCheck.Causes(!setup.netSource().startsWith("the log"), version.isEmpty()));
        Placement p = Placement.of(log, t, setup.request().solver().schedule().maxIter());
        boolean early = log.killed() != null || log.fatal() != null || log.outOfMemory() != null;
        int at = choose(p, t, in.memoryBytes());
        long steady = steady(t);
        boolean snapshot = t.events().get(at).stage().phase() == Timeline.Phase.SNAPSHOT;
        long bill = p.repeat() && !snapshot ? steady : t.events().get(at).highWaterBytes();
        long before = heldBefore(t, at, p.repeat(), snapshot);
        FirstTouch touch = FirstTouch.of(e, at, p.repeat(), setup.request().solver().type());
        Long budget = in.memoryBytes() != null ? in.memoryBytes() : early && before > 0 ? Long.valueOf(before) : null;
        Suggestions.Result suggestions = budget == null ? new Suggestions.Result(List.of(), -1)
                : Suggestions.of(setup.request(), e, budget);
        if (early && !p.repeat() && in.memoryBytes() != null && bill <= in.memoryBytes()) {
            notes.add("the event the log ends in needs " + bill + " bytes by caffemem's estimate, which fits --memory: "
                    + "the process had less (other processes, a lower limit) or held more than Caffe's buffers");
        }
        if (early && p.repeat() && !snapshot && log.killed() != null) {
            notes.add("the log ends in a later iteration, which holds nothing iteration 0 did not: a kill there is not"
                    + " Caffe's buffers growing (other processes, file pages, or a leak outside Caffe 1.0's code)");
        }
        FailedAllocation failed = FailedAllocation.of(log.fatal() != null ? log.fatal().message()
                : log.outOfMemory() != null ? log.outOfMemory().text() : null, e, trainGraph(setup));
        return new Explanation(log, setup, e, version, p, t.events().get(at), bill, before, touch, failed,
                Lines.of(log, e.peak().event()), steady, in.memoryBytes(), shapes, suggestions.suggestions(),
                suggestions.smallestPeakBytes(), notes);
    }

    /** Of the events the log may end in, the first whose high-water exceeds --memory; else the first. */
    private static int choose(Placement p, Timeline t, Long memory) {
        if (memory != null) {
            for (int i : p.candidates()) {
                if (t.events().get(i).highWaterBytes() > memory) {
                    return i;
                }
            }
        }
        return p.candidates().get(0);
    }

    /** What the run holds once everything is written: the last event before any snapshot. */
    static long steady(Timeline t) {
        long held = t.events().get(0).heldBytes();
        for (Timeline.Event e : t.events()) {
            if (e.stage().phase() != Timeline.Phase.SNAPSHOT) {
                held = e.heldBytes();
            }
        }
        return held;
    }

    /** The most the process held before the event: for a later repeat, all of the first iteration's events. */
    private static long heldBefore(Timeline t, int at, boolean repeat, boolean snapshot) {
        long max = 0;
        for (int i = 0; i < t.events().size(); i++) {
            Timeline.Event e = t.events().get(i);
            boolean counts = repeat ? snapshot || e.stage().phase() != Timeline.Phase.SNAPSHOT : i < at;
            if (counts) {
                max = Math.max(max, e.highWaterBytes());
            }
        }
        return max;
    }

    /** caffemem's graph of the train (or only) net, or null if it cannot be built. */
    private static NetGraph trainGraph(RunSetup setup) {
        var req = setup.request();
        try {
            return graph(setup.trainNet(), NetState.merged(setup.trainNet().getMessage("state"), req.phase(),
                    req.stages()), req.train());
        } catch (NetException ex) {
            return null;
        }
    }

    /** Each logged net with caffemem's graph of the same net, to compare shapes. */
    private static Map<LoggedNet, NetGraph> graphs(CaffeLog log, RunSetup setup, List<String> notes) {
        Map<LoggedNet, NetGraph> out = new LinkedHashMap<>();
        var req = setup.request();
        for (LoggedNet n : log.nets()) {
            try {
                if (n.role() == LoggedNet.Role.TRAIN || n.role() == LoggedNet.Role.TEST && n.testNet() < 0) {
                    Message net = setup.trainNet();
                    out.put(n, graph(net, NetState.merged(net.getMessage("state"), req.phase(), req.stages()),
                            req.train()));
                    continue;
                }
                for (RunSetup.TestDef d : setup.testNets()) {
                    if (d.index() == n.testNet()) {
                        Message net = NetUpgrade.upgrade(d.net());
                        NetState state = d.state() == null ? NetState.merged(net.getMessage("state"), Phase.TEST, List.of())
                                : NetState.merged(d.state(), Phase.TEST, net.getMessage("state").getStrings("stage"));
                        out.put(n, graph(net, state, req.test()));
                    }
                }
            } catch (NetException ex) {
                notes.add(n.label() + "'s shapes are not checked: " + ex.getMessage());
            }
        }
        return out;
    }

    private static NetGraph graph(Message net, NetState state, ShapeOverrides overrides) {
        return NetGraph.build(NetSpec.of(net, state), new LayerKinds(overrides), overrides);
    }

    /** The log's line where a timeline event begins, when Caffe prints one there. */
    static final class Lines {
        private Lines() {
        }

        static int of(CaffeLog log, Timeline.Event ev) {
            for (LogEvent e : log.events()) {
                if (opens(log, e, ev)) {
                    return e.line().number();
                }
            }
            return -1;
        }

        private static boolean opens(CaffeLog log, LogEvent e, Timeline.Event ev) {
            Stage s = ev.stage();
            return switch (e.kind()) {
                case LAYER_START -> (s == Stage.NET_INIT || s == Stage.TEST_NET_INIT) && e.layer().equals(ev.subject())
                        && log.nets().get(e.net()).testNet() == ev.testNet();
                case TEST_START -> s == Stage.TEST_PASS && e.testNet() == ev.testNet();
                case UPDATE -> s == Stage.UPDATE;
                case SNAPSHOT_MODEL -> s.phase() == Timeline.Phase.SNAPSHOT;
                case TEST_RUN -> s == Stage.FORWARD;
                default -> false;
            };
        }
    }
}
