package dev.caffemem.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caffemem.memory.Timeline;
import dev.caffemem.model.Estimate;
import java.util.List;
import java.util.Locale;

/** The peak and the timeline of a run, in words, as a table, and as JSON. */
public final class TimelineRenderer {
    private final boolean exact;

    TimelineRenderer(boolean exact) {
        this.exact = exact;
    }

    private String b(long bytes) {
        return Units.bytes(bytes, exact);
    }

    /**
     * Where the peak comes, in words: "the final snapshot (writing the model)", "iteration 0's update",
     * "test net 0's init (layer fc8)".
     */
    public static String where(Timeline.Event e) {
        return switch (e.stage()) {
            case SNAPSHOT_MODEL, SNAPSHOT_SOLVER_STATE -> (e.subject() != null && e.subject().startsWith("every")
                    ? "the snapshot at iteration " + e.iteration() + " (" + e.subject() + ")"
                    : "the final snapshot") + (e.stage() == Timeline.Stage.SNAPSHOT_MODEL
                    ? ", writing the model" : ", writing the solver state");
            case PROCESS_START -> "the start of the process";
            case NET_INIT -> "the net's init, at layer " + e.subject();
            case NET_INIT_DONE -> "the end of the net's init";
            case TEST_NET_INIT -> "test net " + e.testNet() + "'s init, at layer " + e.subject();
            case TEST_PASS -> "iteration " + e.iteration() + "'s test pass (test net " + e.testNet() + ")";
            default -> (e.iteration() >= 0 ? "iteration " + e.iteration() + "'s " : "the ") + e.stage().label();
        };
    }

    /** The first event whose end already holds the final (steady) amount: when the steady state is reached. */
    public static Timeline.Event steadyFrom(Timeline t) {
        long steady = t.finalBytes();
        Timeline.Event first = t.events().get(t.events().size() - 1);
        for (int i = t.events().size() - 1; i >= 0; i--) {
            Timeline.Event e = t.events().get(i);
            if (e.heldBytes() < steady) {
                break;
            }
            if (e.heldBytes() == steady) {
                first = e;
            }
        }
        return first;
    }

    /** The line that leads the text output. */
    String headline(Estimate e) {
        Estimate.Peak p = e.peak();
        Timeline.Event steady = steadyFrom(p.timeline());
        return String.format(Locale.ROOT, "Peak %s, at %s; steady %s from %s.", b(p.bytes()), where(p.event()),
                b(p.timeline().finalBytes()), where(steady));
    }

    /**
     * The events, with consecutive per-layer init events of one net folded into one row (their last holding,
     * their highest high-water mark).
     */
    Table table(Timeline t) {
        Table table = new Table(List.of("event", "held after", "high water"), false, true, true);
        List<Timeline.Event> events = t.events();
        for (int i = 0; i < events.size(); i++) {
            Timeline.Event e = events.get(i);
            boolean init = e.stage() == Timeline.Stage.NET_INIT || e.stage() == Timeline.Stage.TEST_NET_INIT;
            if (!init) {
                table.row(e.describe(), b(e.heldBytes()), b(e.highWaterBytes()) + (e == t.peak() ? " (peak)" : ""));
                continue;
            }
            int j = i;
            long high = e.highWaterBytes();
            boolean peak = e == t.peak();
            while (j + 1 < events.size() && events.get(j + 1).stage() == e.stage()
                    && events.get(j + 1).testNet() == e.testNet()) {
                j++;
                high = Math.max(high, events.get(j).highWaterBytes());
                peak |= events.get(j) == t.peak();
            }
            String what = e.stage().label() + (e.testNet() >= 0 ? " (test net " + e.testNet() + ")" : "") + ", "
                    + (j - i + 1) + " layer" + (j > i ? "s" : "");
            table.row(what, b(events.get(j).heldBytes()), b(high) + (peak ? " (peak)" : ""));
            i = j;
        }
        return table;
    }

    /** {@code peakBytes}, {@code peakEvent}, {@code peak} (its line) and {@code timeline[]}. */
    void json(ObjectNode root, Estimate e) {
        Estimate.Peak p = e.peak();
        root.put("peakBytes", p.bytes());
        root.set("peakEvent", event(root.objectNode(), p.event()));
        ObjectNode line = root.putObject("peak");
        line.put("fixedBytes", p.fixedBytes());
        line.put("perSampleBytes", p.perSampleBytes());
        root.put("datasetPagesBytes", p.datasetBytes());
        ArrayNode events = root.putArray("timeline");
        for (Timeline.Event ev : p.timeline().events()) {
            events.add(event(root.objectNode(), ev));
        }
    }

    private static ObjectNode event(ObjectNode n, Timeline.Event e) {
        n.put("event", e.stage().name().toLowerCase(Locale.ROOT));
        n.put("description", e.describe());
        if (e.iteration() >= 0) {
            n.put("iteration", e.iteration());
        }
        if (e.testNet() >= 0) {
            n.put("testNet", e.testNet());
        }
        if (e.subject() != null) {
            n.put(e.stage() == Timeline.Stage.NET_INIT || e.stage() == Timeline.Stage.TEST_NET_INIT ? "layer" : "detail",
                    e.subject());
        }
        n.put("heldBytes", e.heldBytes());
        n.put("highWaterBytes", e.highWaterBytes());
        return n;
    }
}
