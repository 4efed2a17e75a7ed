package dev.caffemem.explain;

import dev.caffemem.memory.Timeline;
import dev.caffemem.memory.Timeline.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Where on the run's timeline a log ends: the event that was under way after its last progress line. Each line is
 * printed at a known point of Caffe's code (see {@link LogEvent.Kind}), so the next thing the process did is known:
 * "Iteration 0, lr = " is printed by ApplyUpdate before the update, so a log that ends there ends in iteration 0's
 * update. Where Caffe prints nothing between two events (its forward and backward passes), the log's end lies in
 * one of them: the candidates, in order. The timeline models the first iteration and the first snapshot; a later
 * iteration, test pass or snapshot holds what the first did (a repeat).
 *
 * @param candidates the timeline events the log may end in (indexes into the timeline), in order; never empty
 * @param repeat     whether the log ends in a later repeat of them (a later iteration, test pass or snapshot)
 * @param iteration  the iteration the log's last line names, or -1
 * @param line       the last progress line, or null when the log has none
 */
public record Placement(List<Integer> candidates, boolean repeat, long iteration, LogEvent line) {

    public Placement {
        candidates = List.copyOf(candidates);
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("a placement has at least one candidate event");
        }
    }

    public boolean exact() {
        return candidates.size() == 1;
    }

    /** Places the end of {@code log} on {@code t}; {@code maxIter} tells the last display after the loop. */
    static Placement of(CaffeLog log, Timeline t, long maxIter) {
        LogEvent e = log.lastEvent();
        Finder f = new Finder(t);
        if (e == null) {
            return new Placement(List.of(f.first(s -> s.stage() == Stage.NET_INIT, 0)), false, -1, null);
        }
        long first = firstIteration(log);
        boolean later = e.iteration() > first;
        List<Integer> at = switch (e.kind()) {
            case SOLVER_INIT -> List.of(f.first(s -> s.stage() == Stage.NET_INIT, 0));
            case LAYER_START -> List.of(f.layer(log.nets().get(e.net()), e));
            case LAYER_DONE -> List.of(f.after(f.layer(log.nets().get(e.net()), e)));
            case NET_WIRING, NET_DONE -> List.of(f.afterNet(log.nets().get(e.net()), e.kind() == LogEvent.Kind.NET_DONE));
            case SOLVE_START -> f.span(f.first(s -> s.stage() == Stage.CLEAR_DIFFS, 0), Stage.TEST_PASS);
            case TEST_START -> List.of(f.first(s -> s.stage() == Stage.TEST_PASS && s.testNet() == e.testNet(), 0));
            case TEST_DONE -> f.span(f.after(f.first(s -> s.stage() == Stage.TEST_PASS && s.testNet() == e.testNet(), 0)),
                    Stage.TEST_PASS);
            case DISPLAY, UPDATE, FINAL_DISPLAY -> List.of(f.first(s -> s.stage() == Stage.UPDATE, t.events().size() - 1));
            case SNAPSHOT_MODEL -> List.of(f.first(s -> s.stage() == Stage.SNAPSHOT_MODEL, t.events().size() - 1));
            case SNAPSHOT_STATE -> List.of(f.first(s -> s.stage() == Stage.SNAPSHOT_SOLVER_STATE, t.events().size() - 1));
            case TEST_RUN, TEST_BATCH -> List.of(f.first(s -> s.stage() == Stage.FORWARD, t.events().size() - 1));
            case DONE -> List.of(t.events().size() - 1);
        };
        boolean finalDisplay = e.kind() == LogEvent.Kind.DISPLAY && maxIter > 0 && e.iteration() >= maxIter;
        boolean repeat = later || finalDisplay || e.kind() == LogEvent.Kind.FINAL_DISPLAY
                || e.kind() == LogEvent.Kind.TEST_BATCH || e.kind() == LogEvent.Kind.DONE;
        if (e.kind() == LogEvent.Kind.SNAPSHOT_MODEL || e.kind() == LogEvent.Kind.SNAPSHOT_STATE) {
            // every snapshot holds the same as the first: it repeats only if an earlier one is in the log
            repeat = log.events().stream().filter(x -> x.kind() == e.kind()).count() > 1;
        }
        return new Placement(at, repeat, e.iteration(), e);
    }

    /** The first iteration this process ran (0, or where a resumed run started). */
    private static long firstIteration(CaffeLog log) {
        return log.events().stream().filter(e -> e.iteration() >= 0).mapToLong(LogEvent::iteration).min().orElse(0);
    }

    /** Finds events on a timeline. */
    private record Finder(Timeline t) {
        int first(Predicate<Timeline.Event> p, int otherwise) {
            for (int i = 0; i < t.events().size(); i++) {
                if (p.test(t.events().get(i))) {
                    return i;
                }
            }
            return otherwise;
        }

        int after(int i) {
            return Math.min(i + 1, t.events().size() - 1);
        }

        /**
         * A layer's setup in a logged net: the train (or only) net's init, or a test net's. A name may come twice in
         * one net, so the layer the line names is its k-th of that name up to the line, and so is its event.
         */
        int layer(LoggedNet net, LogEvent e) {
            Stage stage = stageOf(net);
            long k = net.layers().stream().filter(l -> l.name().equals(e.layer()) && l.line() <= e.line().number())
                    .count();
            int any = first(s -> s.stage() == stage && s.testNet() == net.testNet(), -1);
            int seen = 0;
            for (int i = 0; i < t.events().size(); i++) {
                Timeline.Event s = t.events().get(i);
                if (s.stage() == stage && s.testNet() == net.testNet() && e.layer().equals(s.subject()) && ++seen == k) {
                    return i;
                }
            }
            return any >= 0 ? any : first(s -> s.stage() == stage, 0);
        }

        /** After a net's layers: the train net's end of init; after a test net, what follows its last layer. */
        int afterNet(LoggedNet net, boolean done) {
            Stage stage = stageOf(net);
            if (stage == Stage.NET_INIT) {
                int end = first(s -> s.stage() == Stage.NET_INIT_DONE, 0);
                return done ? after(end) : end;
            }
            int last = -1;
            for (int i = 0; i < t.events().size(); i++) {
                Timeline.Event e = t.events().get(i);
                if (e.stage() == stage && e.testNet() == net.testNet()) {
                    last = i;
                }
            }
            return after(Math.max(last, 0));
        }

        /** From {@code from} on, the events Caffe logs nothing between: up to the next event of {@code until}. */
        List<Integer> span(int from, Stage until) {
            List<Integer> out = new ArrayList<>();
            for (int i = from; i < t.events().size(); i++) {
                Stage s = t.events().get(i).stage();
                if (!out.isEmpty() && (s == until || s == Stage.UPDATE || s.phase() == Timeline.Phase.SNAPSHOT)) {
                    break;
                }
                out.add(i);
                if (s == until) {
                    break;
                }
            }
            return out;
        }

        private static Stage stageOf(LoggedNet net) {
            return net.role() == LoggedNet.Role.TEST && net.testNet() >= 0 ? Stage.TEST_NET_INIT : Stage.NET_INIT;
        }
    }
}
