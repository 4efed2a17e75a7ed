package dev.caffemem.explain;

import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every "Top shape" and "Memory required for data" line of the log against caffemem's own shapes and figure for the
 * same net: the same Caffe computes the same shapes, so a difference says the log's Caffe is another (a version or a
 * fork) or the net is not the one that ran, and each is named.
 *
 * @param checkedTops the logged top shapes compared
 * @param differences each layer whose logged tops differ from caffemem's, or that caffemem's net lacks
 * @param figures     per logged net, Caffe's "Memory required for data" and caffemem's for the same layers
 */
public record ShapeCheck(int checkedTops, List<Difference> differences, List<Figure> figures) {

    /** A layer whose logged tops are not caffemem's. */
    public record Difference(String net, String layer, int line, String logged, String ours, String reason) {
    }

    /**
     * Caffe's running figure at the last layer logged and caffemem's at the same layer.
     *
     * @param complete whether the log shows the whole net (then both are the net's whole figure)
     */
    public record Figure(String net, String layer, int line, long loggedBytes, long oursBytes, boolean complete) {
        public boolean matches() {
            return loggedBytes == oursBytes;
        }
    }

    public ShapeCheck {
        differences = List.copyOf(differences);
        figures = List.copyOf(figures);
    }

    /** Whether the log showed top shapes and every one is caffemem's; null when the log shows none. */
    public Boolean topShapesMatch() {
        return checkedTops == 0 ? null : differences.isEmpty();
    }

    /** Compares each logged net with caffemem's graph of it ({@code graphs}: logged net to graph, null if none). */
    static ShapeCheck of(Map<LoggedNet, NetGraph> graphs, Causes causes) {
        int checked = 0;
        List<Difference> diffs = new ArrayList<>();
        List<Figure> figures = new ArrayList<>();
        for (Map.Entry<LoggedNet, NetGraph> e : graphs.entrySet()) {
            LoggedNet logged = e.getKey();
            NetGraph graph = e.getValue();
            // names may repeat within a net: the k-th logged layer of a name is caffemem's k-th of that name
            Map<String, List<NetGraph.Layer>> ours = new HashMap<>();
            Map<NetGraph.Layer, Long> running = new HashMap<>();
            long sum = 0;
            for (NetGraph.Layer l : graph.layers()) {
                ours.computeIfAbsent(l.name(), k -> new ArrayList<>()).add(l);
                for (Shape s : l.topShapes()) {
                    sum += s.count() * Float.BYTES;
                }
                running.put(l, sum);
            }
            Map<String, Integer> seen = new HashMap<>();
            LoggedNet.Layer last = null;
            NetGraph.Layer lastMine = null;
            String firstDiff = null;
            for (LoggedNet.Layer l : logged.layers()) {
                int k = seen.merge(l.name(), 1, Integer::sum) - 1;
                List<NetGraph.Layer> named = ours.getOrDefault(l.name(), List.of());
                NetGraph.Layer mine = k < named.size() ? named.get(k) : null;
                if (l.topShapes().isEmpty()) {
                    continue;
                }
                checked += l.topShapes().size();
                List<Shape> mineShapes = mine == null ? List.of() : mine.topShapes();
                if (!mineShapes.equals(l.topShapes())) {
                    diffs.add(new Difference(logged.label(), l.name(), l.line(), text(l.topShapes()),
                            mine == null ? "no such layer" : text(mineShapes), reason(l, mine, causes, firstDiff)));
                    firstDiff = firstDiff == null ? l.name() : firstDiff;
                }
                if (l.memoryBytes() >= 0 && mine != null) {
                    last = l;
                    lastMine = mine;
                }
            }
            if (last != null) {
                boolean whole = logged.complete() && last == logged.layers().get(logged.layers().size() - 1);
                figures.add(new Figure(logged.label(), last.name(), last.memoryLine(), last.memoryBytes(),
                        whole ? graph.caffeLogBytes() : running.get(lastMine), whole));
            }
        }
        return new ShapeCheck(checked, diffs, figures);
    }

    /**
     * What a difference most likely means: the same definition in the same Caffe gives the same shapes, so either the
     * definition is not the one that ran (a net from a file), or the Caffe is another (its version, or a fork).
     *
     * @param earlier the first differing layer before this one in the same net, or null
     */
    private static String reason(LoggedNet.Layer logged, NetGraph.Layer mine, Causes causes, String earlier) {
        String cause = causes.text();
        if (earlier != null) {
            return "may follow from layer " + earlier + "'s difference, whose output it reads (" + cause + ")";
        }
        if (mine == null) {
            return "the net caffemem read has no layer of this name (" + cause + ")";
        }
        if (logged.topShapes().size() != mine.topShapes().size()) {
            return "Caffe 1.0 gives this " + mine.type() + " " + mine.topShapes().size() + " tops, the log "
                    + logged.topShapes().size() + " (" + cause + ")";
        }
        if (offByOneSpatially(logged.topShapes(), mine.topShapes())) {
            return "the output differs by one pixel: the log's Caffe rounds this " + mine.type() + "'s output "
                    + "otherwise than 1.0, which rounds pooling up (forks add a round_mode) (" + cause + ")";
        }
        if (batchOnly(logged.topShapes(), mine.topShapes())) {
            return "only the batch differs (" + cause + ")";
        }
        return "another shape for this " + mine.type() + " (" + cause + ")";
    }

    /** What can make shapes differ for this log: a net given as a file, a Caffe that is not 1.0. */
    record Causes(boolean netFromFile, boolean caffe10) {
        String text() {
            String caffe = caffe10 ? "a fork that logs as 1.0 does" : "not 1.0: another version or a fork";
            return netFromFile ? "the net given may not be the one that ran, or the log's Caffe is " + caffe
                    : "the net is the log's own, so the log's Caffe computes it otherwise: " + caffe;
        }
    }

    private static boolean offByOneSpatially(List<Shape> a, List<Shape> b) {
        boolean any = false;
        for (int t = 0; t < a.size(); t++) {
            Shape x = a.get(t);
            Shape y = b.get(t);
            if (x.axes() != y.axes() || x.axes() < 3) {
                return false;
            }
            for (int i = 0; i < x.axes(); i++) {
                int d = Math.abs(x.dim(i) - y.dim(i));
                if (d > 1 || d == 1 && i < 2) {
                    return false;
                }
                any |= d == 1;
            }
        }
        return any;
    }

    private static boolean batchOnly(List<Shape> a, List<Shape> b) {
        for (int t = 0; t < a.size(); t++) {
            Shape x = a.get(t);
            Shape y = b.get(t);
            if (x.axes() != y.axes() || x.axes() == 0) {
                return false;
            }
            for (int i = 1; i < x.axes(); i++) {
                if (x.dim(i) != y.dim(i)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** "32x3x224x224, 32" as the estimate prints shapes ("scalar" for a loss). */
    static String text(List<Shape> shapes) {
        List<String> parts = new ArrayList<>();
        for (Shape s : shapes) {
            parts.add(s.axes() == 0 ? "scalar" : s.dimsString().replace(' ', 'x'));
        }
        return String.join(", ", parts);
    }
}
