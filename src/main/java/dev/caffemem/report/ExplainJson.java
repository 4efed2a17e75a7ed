package dev.caffemem.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caffemem.explain.CaffeLog;
import dev.caffemem.explain.Explanation;
import dev.caffemem.explain.LogEvent;
import dev.caffemem.explain.ShapeCheck;
import dev.caffemem.explain.Suggestion;
import dev.caffemem.memory.Timeline;
import java.util.List;
import java.util.Locale;

/**
 * {@code caffemem explain --format json}: {@code killed}, {@code lastEvent}, {@code billAtLastEventBytes},
 * {@code peakBytes}, {@code topShapesMatch}, {@code suggestions[]}, and what they rest on. Bytes are exact.
 */
final class ExplainJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ExplainJson() {
    }

    static String render(Explanation x) {
        ObjectNode root = MAPPER.createObjectNode();
        CaffeLog log = x.log();
        root.put("log", log.fileName());
        root.put("command", log.command().name().toLowerCase(Locale.ROOT));
        root.put("net", x.estimate().netName());
        root.put("netSource", x.setup().netSource());
        root.put("solverSource", x.setup().solverSource());
        root.put("batch", x.estimate().batch());
        root.put("solver", x.estimate().solver());
        root.put("caffeVersion", x.versionDifferences().isEmpty() ? "1.0" : "other");
        strings(root.putArray("versionDifferences"), x.versionDifferences());
        root.put("killed", x.killed());
        finding(root, "killedLine", log.killed());
        finding(root, "checkFailed", log.fatal() == null ? null
                : new CaffeLog.Finding(log.fatal().number(), log.fatal().message()));
        finding(root, "outOfMemory", log.outOfMemory());
        if (x.failedAllocation() != null) {
            ObjectNode failed = root.putObject("failedAllocation");
            failed.put("bytes", x.failedAllocation().bytes());
            strings(failed.putArray("buffers"), x.failedAllocation().buffers());
        }
        root.put("finished", log.finished() && !x.stoppedEarly());
        progress(root, log);
        if (log.lastGlog() != null) {
            finding(root, "lastLine", new CaffeLog.Finding(log.lastGlog().number(), log.lastGlog().message()));
        }
        ObjectNode last = event(root.putObject("lastEvent"), x.lastEvent());
        last.put("exact", x.placement().exact());
        last.put("repeat", x.placement().repeat());
        if (x.placement().iteration() >= 0) {
            last.put("loggedIteration", x.placement().iteration());
        }
        if (x.placement().line() != null) {
            last.put("logLine", x.placement().line().line().number());
        }
        ArrayNode candidates = last.putArray("candidates");
        List<Timeline.Event> events = x.estimate().peak().timeline().events();
        x.placement().candidates().forEach(i -> candidates.add(events.get(i).describe()));
        root.put("billAtLastEventBytes", x.billAtLastEventBytes());
        root.put("heldBeforeBytes", x.heldBeforeBytes());
        ObjectNode touch = root.putObject("firstTouch");
        touch.put("what", x.firstTouch().what());
        touch.put("bytes", x.firstTouch().bytes());
        root.put("peakBytes", x.peakBytes());
        event(root.putObject("peakEvent"), x.peakEvent());
        if (x.peakLine() > 0) {
            root.put("peakLine", x.peakLine());
        }
        root.put("steadyBytes", x.steadyBytes());
        if (x.memoryBytes() != null) {
            root.put("memoryBytes", x.memoryBytes());
            root.put("fits", x.fits());
        }
        if (x.limitBytes() != null) {
            root.put("limitBytes", x.limitBytes());
        }
        shapes(root, x.shapes());
        ArrayNode suggestions = root.putArray("suggestions");
        for (Suggestion s : x.suggestions()) {
            ObjectNode n = suggestions.addObject();
            n.put("kind", s.kind());
            ArrayNode changes = n.putArray("changes");
            for (Suggestion.Change c : s.changes()) {
                changes.addObject().put("setting", c.setting()).put("from", c.from()).put("to", c.to());
            }
            n.put("peakBytes", s.peakBytes());
        }
        if (x.smallestPeakBytes() >= 0) {
            root.put("smallestPeakBytes", x.smallestPeakBytes());
        }
        strings(root.putArray("notes"), x.notes());
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code iterations} (first, last), {@code testPasses}, {@code snapshots[]} as the log shows them. */
    private static void progress(ObjectNode root, CaffeLog log) {
        long[] it = log.iterations();
        if (it[0] >= 0) {
            root.putObject("iterations").put("first", it[0]).put("last", it[1]);
        } else {
            root.putNull("iterations");
        }
        root.put("testPasses", log.events(LogEvent.Kind.TEST_START).size());
        ArrayNode snaps = root.putArray("snapshots");
        for (LogEvent e : log.events(LogEvent.Kind.SNAPSHOT_MODEL)) {
            snaps.addObject().put("line", e.line().number()).put("iteration", e.iteration())
                    .put("text", e.line().message());
        }
    }

    private static void shapes(ObjectNode root, ShapeCheck s) {
        Boolean match = s.topShapesMatch();
        if (match == null) {
            root.putNull("topShapesMatch");
        } else {
            root.put("topShapesMatch", match);
        }
        ObjectNode tops = root.putObject("topShapes");
        tops.put("checked", s.checkedTops());
        ArrayNode diffs = tops.putArray("differences");
        for (ShapeCheck.Difference d : s.differences()) {
            diffs.addObject().put("net", d.net()).put("layer", d.layer()).put("line", d.line()).put("logged", d.logged())
                    .put("caffemem", d.ours()).put("reason", d.reason());
        }
        ArrayNode figures = root.putArray("memoryRequiredForData");
        for (ShapeCheck.Figure f : s.figures()) {
            figures.addObject().put("net", f.net()).put("layer", f.layer()).put("line", f.line())
                    .put("loggedBytes", f.loggedBytes()).put("caffememBytes", f.oursBytes())
                    .put("wholeNet", f.complete()).put("matches", f.matches());
        }
    }

    private static ObjectNode event(ObjectNode n, Timeline.Event e) {
        n.put("event", e.stage().name().toLowerCase(Locale.ROOT));
        n.put("description", e.describe());
        n.put("where", ExplainRenderer.where(e));
        if (e.iteration() >= 0) {
            n.put("iteration", e.iteration());
        }
        if (e.testNet() >= 0) {
            n.put("testNet", e.testNet());
        }
        if (e.subject() != null) {
            n.put("subject", e.subject());
        }
        n.put("heldBytes", e.heldBytes());
        n.put("highWaterBytes", e.highWaterBytes());
        return n;
    }

    private static void finding(ObjectNode root, String name, CaffeLog.Finding f) {
        if (f == null) {
            root.putNull(name);
            return;
        }
        root.putObject(name).put("line", f.line()).put("text", f.text());
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
