package dev.caffemem.explain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether Caffe 1.0 wrote a log. glog stamps every line with the source file and line that logged it, and those
 * move from version to version: a log whose messages come from other lines than 1.0's was written by another
 * version or a fork, whose shapes and memory may differ from what caffemem models. The positions are those of BVLC
 * Caffe at tag 1.0 (src/caffe/net.cpp, solver.cpp, solvers/sgd_solver.cpp), as its own {@code caffe} logs them.
 */
public final class CaffeVersion {
    /** Messages and where Caffe 1.0 logs them. */
    private static final Map<Pattern, String> POSITIONS = new LinkedHashMap<>();

    static {
        POSITIONS.put(Pattern.compile("^Creating Layer "), "net.cpp:84");
        POSITIONS.put(Pattern.compile("^Setting up "), "net.cpp:122");
        POSITIONS.put(Pattern.compile("^Top shape: "), "net.cpp:129");
        POSITIONS.put(Pattern.compile("^Memory required for data: "), "net.cpp:137");
        POSITIONS.put(Pattern.compile("^Network initialization done\\."), "net.cpp:255");
        POSITIONS.put(Pattern.compile("^Solver scaffolding done\\."), "solver.cpp:56");
        POSITIONS.put(Pattern.compile("^Iteration \\d+, Testing net "), "solver.cpp:330");
        POSITIONS.put(Pattern.compile("^Iteration \\d+ \\(.*\\), loss = "), "solver.cpp:218");
        POSITIONS.put(Pattern.compile("^Iteration \\d+, lr = "), "sgd_solver.cpp:105");
    }

    /** "Iteration 0, loss = 87.3" inside an iteration: the display line's form before 1.0-rc4 added the rate. */
    private static final Pattern OLD_DISPLAY = Pattern.compile("^Iteration \\d+, loss = ");

    private static final Pattern TRAIN_OUTPUT = Pattern.compile("^\\s*Train net output #");

    private CaffeVersion() {
    }

    /**
     * How the log differs from one Caffe 1.0 writes: one line per message whose position differs (the first
     * line of each), and the display line's older form. Empty when every known message sits where 1.0 has it.
     */
    public static List<String> differences(CaffeLog log) {
        List<String> out = new ArrayList<>();
        Map<Pattern, GlogLine> seen = new LinkedHashMap<>();
        boolean oldDisplay = false;
        List<GlogLine> lines = log.glog();
        for (int i = 0; i < lines.size(); i++) {
            GlogLine g = lines.get(i);
            for (Pattern p : POSITIONS.keySet()) {
                if (!seen.containsKey(p) && p.matcher(g.message()).find()) {
                    seen.put(p, g);
                }
            }
            // 1.0 prints this form only after the last iteration, with no train net outputs after it
            oldDisplay |= OLD_DISPLAY.matcher(g.message()).find() && i + 1 < lines.size()
                    && TRAIN_OUTPUT.matcher(lines.get(i + 1).message()).find();
        }
        for (Map.Entry<Pattern, GlogLine> e : seen.entrySet()) {
            String expected = POSITIONS.get(e.getKey());
            GlogLine g = e.getValue();
            if (!g.position().equals(expected)) {
                out.add("\"" + shortMessage(g.message()) + "\" at " + g.position() + " (line " + g.number()
                        + "), where Caffe 1.0 logs it at " + expected);
            }
        }
        if (oldDisplay) {
            out.add("its display line (\"Iteration N, loss = \") has no iterations per second: Caffe before 1.0-rc4");
        }
        return out;
    }

    private static String shortMessage(String message) {
        String m = message.strip();
        return m.length() <= 40 ? m : m.substring(0, 37) + "...";
    }
}
