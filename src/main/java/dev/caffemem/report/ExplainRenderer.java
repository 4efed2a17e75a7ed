package dev.caffemem.report;

import dev.caffemem.explain.CaffeLog;
import dev.caffemem.explain.Explanation;
import dev.caffemem.explain.LogEvent;
import dev.caffemem.explain.ShapeCheck;
import dev.caffemem.explain.Suggestion;
import dev.caffemem.memory.Timeline;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders an {@link Explanation} as text (JSON: {@link ExplainJson}): the verdict first, in plain words and numbers. */
public final class ExplainRenderer {
    private final boolean exact;

    public ExplainRenderer(boolean exactBytes) {
        this.exact = exactBytes;
    }

    public String render(Explanation x, ReportFormat format) {
        if (format == ReportFormat.JSON) {
            return ExplainJson.render(x);
        }
        return text(x);
    }

    private String b(long bytes) {
        return Units.bytes(bytes, exact);
    }

    private String text(Explanation x) {
        StringBuilder sb = new StringBuilder();
        CaffeLog log = x.log();
        boolean test = log.command() == CaffeLog.Command.TEST;
        sb.append(String.format(Locale.ROOT, "%s: caffe %s of %s, CPU, batch %d%s%n", log.fileName(),
                test ? "test" : "train", x.estimate().netName(), x.estimate().batch(),
                test ? "" : ", solver " + x.estimate().solver()));
        sb.append("Net from ").append(x.setup().netSource()).append("; solver from ").append(x.setup().solverSource())
                .append(".\n\n");
        if (log.command() == CaffeLog.Command.TEST) {
            int net = sb.indexOf("; solver from ");
            sb.replace(net, sb.indexOf(".\n\n", net), "; caffe test runs no solver");
        }
        progress(sb, x.log());
        ending(sb, x);
        sb.append('\n');
        checks(sb, x);
        suggestions(sb, x);
        if (!x.notes().isEmpty()) {
            sb.append("\nNotes:\n");
            x.notes().forEach(n -> sb.append("  - ").append(n).append('\n'));
        }
        return sb.toString();
    }

    /** Iterations, test passes and snapshots the log shows (caffe test: its forward passes). */
    private static void progress(StringBuilder sb, CaffeLog log) {
        if (log.command() == CaffeLog.Command.TEST) {
            long passes = log.events(LogEvent.Kind.TEST_BATCH).stream().map(LogEvent::iteration).distinct().count();
            sb.append("The log shows ").append(passes).append(" forward pass").append(passes == 1 ? "" : "es")
                    .append(" of caffe test.\n");
            return;
        }
        long[] it = log.iterations();
        int tests = log.events(LogEvent.Kind.TEST_START).size();
        List<LogEvent> snaps = log.events(LogEvent.Kind.SNAPSHOT_MODEL);
        sb.append("The log shows ").append(it[0] < 0 ? "no iteration" : it[0] == it[1] ? "iteration " + it[0]
                : "iterations " + it[0] + " to " + it[1]).append(", ").append(tests).append(" test pass")
                .append(tests == 1 ? "" : "es").append(", ").append(snaps.isEmpty() ? "no snapshot" : snaps.size()
                + " snapshot" + (snaps.size() == 1 ? "" : "s") + " (line" + (snaps.size() == 1 ? " " : "s ")
                + snaps.stream().map(e -> Integer.toString(e.line().number())).collect(Collectors.joining(", ")) + ")")
                .append(".\n");
    }

    /** How the log ends, where that is in the run, what was held and touched there, and the run's peak. */
    private void ending(StringBuilder sb, Explanation x) {
        CaffeLog log = x.log();
        if (log.killed() != null) {
            sb.append("Killed: \"").append(log.killed().text()).append("\" (line ").append(log.killed().line())
                    .append(").\n");
        }
        if (log.fatal() != null) {
            sb.append("Aborted: \"").append(log.fatal().message()).append("\" (line ").append(log.fatal().number())
                    .append(", ").append(log.fatal().position()).append(").\n");
        }
        if (log.outOfMemory() != null && (log.fatal() == null || log.outOfMemory().line() != log.fatal().number())) {
            sb.append("An allocation failed: \"").append(log.outOfMemory().text()).append("\" (line ")
                    .append(log.outOfMemory().line()).append(").\n");
        }
        if (x.failedAllocation() != null) {
            sb.append("It asked for ").append(x.failedAllocation().bytes()).append(" bytes (")
                    .append(b(x.failedAllocation().bytes())).append(')');
            if (!x.failedAllocation().buffers().isEmpty()) {
                sb.append(", the size of ").append(String.join(", ", x.failedAllocation().buffers()));
            }
            sb.append(".\n");
        }
        if (log.finished() && !x.stoppedEarly()) {
            LogEvent done = log.lastEvent();
            sb.append("Finished: \"").append(done.line().message()).append("\" (line ").append(done.line().number())
                    .append(").\n");
        } else {
            sb.append("The log ends in ").append(where(x)).append(": ").append(lastLine(x)).append(".\n");
            boolean steady = x.billAtLastEventBytes() == x.steadyBytes()
                    && x.lastEvent().stage().phase() != Timeline.Phase.SNAPSHOT;
            sb.append("There the run needs ").append(b(x.billAtLastEventBytes()))
                    .append(steady ? " (the steady state: what training holds from then on)" : "")
                    .append("; before it the process held up to ").append(b(x.heldBeforeBytes()))
                    .append(x.killed() ? " without being killed" : "").append(".\n");
            sb.append("Written for the first time there: ").append(x.firstTouch().what());
            if (x.firstTouch().bytes() > 0) {
                sb.append("; +").append(b(x.firstTouch().bytes()));
            }
            sb.append(".\n");
        }
        sb.append("The run's peak: ").append(b(x.peakBytes())).append(", at ").append(where(x.peakEvent()));
        if (x.peakLine() > 0) {
            sb.append(" (log line ").append(x.peakLine()).append(')');
        }
        sb.append("; steady ").append(b(x.steadyBytes())).append(".\n");
        if (x.memoryBytes() != null) {
            boolean fits = x.fits();
            sb.append(String.format(Locale.ROOT, "In %s (--memory): %s.%n", b(x.memoryBytes()), fits
                    ? "fits, " + b(x.memoryBytes() - x.peakBytes()) + " to spare"
                    : "does NOT fit, " + b(x.peakBytes() - x.memoryBytes()) + " short"));
        }
    }

    /** Where an event comes in the run, in words. */
    static String where(Timeline.Event e) {
        return e.stage() == Timeline.Stage.LOAD_WEIGHTS
                ? "the loading of the trained weights (the parsed .caffemodel beside the net's own)"
                : TimelineRenderer.where(e);
    }

    /** "iteration 0's update", with the log's uncertainty or repetition said. */
    private static String where(Explanation x) {
        String w = where(x.lastEvent());
        Timeline.Event e = x.lastEvent();
        boolean snapshot = e.stage().phase() == Timeline.Phase.SNAPSHOT;
        if (x.placement().repeat()) {
            return snapshot ? "a later snapshot (iteration " + x.placement().iteration() + "), which holds what the "
                    + "first does: " + w
                    : "iteration " + x.placement().iteration() + ", a later iteration that holds what iteration 0 left";
        }
        if (!x.placement().exact()) {
            List<Timeline.Event> all = x.estimate().peak().timeline().events();
            String options = x.placement().candidates().stream().map(i -> where(all.get(i)))
                    .collect(Collectors.joining(", then "));
            return w + " (Caffe prints nothing during " + options + ": the log cannot tell which; this is the first"
                    + (x.memoryBytes() != null ? " that needs more than --memory" : "") + ")";
        }
        return w;
    }

    /** The last progress line and when Caffe prints it. */
    private static String lastLine(Explanation x) {
        LogEvent e = x.placement().line();
        if (e == null) {
            return "the log shows no step of the run";
        }
        return "its last step line, " + e.line().number() + ", \"" + e.line().message().strip() + "\", is printed "
                + when(e.kind());
    }

    private static String when(LogEvent.Kind k) {
        return switch (k) {
            case SOLVER_INIT -> "before the train net is built";
            case LAYER_START -> "by Net::Init before the layer's SetUp (its weights are filled there)";
            case LAYER_DONE -> "once the layer is set up";
            case NET_WIRING, NET_DONE -> "at the end of the net's init";
            case SOLVE_START -> "before the first iteration";
            case TEST_START -> "by Solver::Test before the pass";
            case TEST_DONE -> "after the test pass";
            case DISPLAY -> "after the forward and backward passes, before the update";
            case UPDATE -> "by the solver's ApplyUpdate before the update";
            case SNAPSHOT_MODEL -> "by Solver::Snapshot before the model's message is built";
            case SNAPSHOT_STATE -> "once the solver state's message is built, before it is written";
            case FINAL_DISPLAY -> "after the last iteration";
            case TEST_RUN -> "before caffe test's forward passes";
            case TEST_BATCH -> "after one of caffe test's forward passes";
            case DONE -> "at the end of the run";
        };
    }

    /** The log's shapes and figures against caffemem's, and the Caffe version. */
    private void checks(StringBuilder sb, Explanation x) {
        ShapeCheck s = x.shapes();
        if (s.topShapesMatch() == null) {
            sb.append("Top shapes: the log shows none.\n");
        } else if (s.topShapesMatch()) {
            sb.append("Top shapes: all ").append(s.checkedTops()).append(" logged top shapes are caffemem's.\n");
        } else {
            int n = s.differences().size();
            sb.append("Top shapes: ").append(n).append(n == 1 ? " logged layer differs" : " logged layers differ")
                    .append(" from caffemem's:\n");
            for (ShapeCheck.Difference d : s.differences()) {
                sb.append("  - ").append(d.net()).append(", layer ").append(d.layer()).append(" (line ")
                        .append(d.line()).append("): log ").append(d.logged()).append(", caffemem ").append(d.ours())
                        .append(": ").append(d.reason()).append('\n');
            }
        }
        for (ShapeCheck.Figure f : s.figures()) {
            sb.append("Memory required for data, ").append(f.net()).append(f.complete() ? "" : " up to layer " + f.layer())
                    .append(": log ").append(f.loggedBytes()).append(f.matches() ? " = caffemem's" : ", caffemem "
                            + f.oursBytes()).append(" (line ").append(f.line()).append(").\n");
        }
        if (x.versionDifferences().isEmpty()) {
            sb.append("Caffe version: 1.0 (each known message at 1.0's source line).\n");
        } else {
            sb.append("Caffe version: not 1.0, the log comes from another version or a fork:\n");
            List<String> d = x.versionDifferences();
            d.stream().limit(3).forEach(v -> sb.append("  - ").append(v).append('\n'));
            if (d.size() > 3) {
                sb.append("  - and ").append(d.size() - 3).append(" more (--format json lists them)\n");
            }
        }
    }

    private void suggestions(StringBuilder sb, Explanation x) {
        Long limit = x.limitBytes();
        if (limit == null || x.peakBytes() <= limit) {
            return;
        }
        sb.append("\nTo fit in ").append(b(limit)).append(x.memoryBytes() == null
                ? " (what, by this estimate, the process held before it died; the memory it had lies between this and "
                + b(x.billAtLastEventBytes()) + ")" : "").append(":\n");
        if (x.suggestions().isEmpty()) {
            sb.append("  nothing caffemem tries fits: the smallest run it tries (batch 1, test batch 1, SGD, HDF5 "
                    + "snapshots) still needs ").append(b(x.smallestPeakBytes())).append('\n');
        }
        for (Suggestion s : x.suggestions()) {
            sb.append("  - ").append(s.changes().stream().map(Suggestion.Change::toString)
                    .collect(Collectors.joining(", "))).append(": peak ").append(b(s.peakBytes())).append('\n');
        }
    }
}
