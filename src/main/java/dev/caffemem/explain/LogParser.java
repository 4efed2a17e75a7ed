package dev.caffemem.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Caffe log as {@code caffe train} or {@code caffe test} write it to stderr (tools/caffe.cpp,
 * src/caffe/solver.cpp, src/caffe/solvers/sgd_solver.cpp, src/caffe/net.cpp), whole or an excerpt, with whatever
 * surrounds it: lines of other tools, prose around a pasted excerpt, the shell's report of a kill.
 */
public final class LogParser {
    private static final Pattern TRAINING_NET = Pattern.compile("^Creating training net ");
    private static final Pattern TEST_NET = Pattern.compile("^Creating test net \\(#(\\d+)\\)");
    private static final Pattern SOLVE = Pattern.compile(
            "^(?:Solver scaffolding done\\.|Starting Optimization|Solving |Learning Rate Policy)");
    private static final Pattern TESTING = Pattern.compile("^Iteration (\\d+), Testing net \\(#(\\d+)\\)");
    private static final Pattern TEST_OUTPUT = Pattern.compile("^(?:Test loss: |\\s*Test net output #)");
    private static final Pattern DISPLAY = Pattern.compile("^Iteration (\\d+)(?: \\([^)]*\\))?, loss = ");
    private static final Pattern TRAIN_OUTPUT = Pattern.compile("^\\s*Train net output #");
    private static final Pattern LR = Pattern.compile("^Iteration (\\d+), lr = ");
    private static final Pattern SNAPSHOT = Pattern.compile("^Snapshotting to (?:binary proto|HDF5) file (.*)$");
    private static final Pattern SNAPSHOT_STATE = Pattern.compile("^Snapshotting solver state to ");
    private static final Pattern SNAPSHOT_ITER = Pattern.compile("_iter_(\\d+)\\.");
    private static final Pattern RUNNING = Pattern.compile("^Running for (\\d+) iterations\\.");
    private static final Pattern BATCH = Pattern.compile("^Batch (\\d+), ");
    /**
     * Allocation failures as C++, CUDA, the kernel and Caffe's CaffeMallocHost (include/caffe/syncedmem.hpp) put
     * them.
     */
    private static final Pattern OOM = Pattern.compile(
            "out of memory|Cannot allocate memory|std::bad_alloc|allocation of size \\d+ failed",
            Pattern.CASE_INSENSITIVE);
    /**
     * A kill as a shell reports it ("Killed", "bash: line 1: 31290 Killed  caffe train ...", "[1]+  Killed ...") or
     * the kernel's log ("Out of memory: Killed process 31290 (caffe)").
     */
    private static final Pattern KILLED = Pattern.compile(
            "^(?:(?:\\S+: )*(?:line \\d+: +)?(?:\\d+ +)?|\\[\\d+\\][+-]? +)Killed(?:\\s|$)|Killed process \\d+");

    private final NetSetups setups = new NetSetups();
    private final List<LogEvent> events = new ArrayList<>();
    private final List<GlogLine> glog = new ArrayList<>();
    private LoggedNet.Block solverBlock;
    private GlogLine fatal;
    private CaffeLog.Finding outOfMemory;
    private long iteration = -1;
    private int testNet = -1;
    private CaffeLog.Command command;
    private boolean gpu;
    private boolean finetuning;
    private boolean resumed;

    private LogParser() {
    }

    /** Reads a log's text; {@code fileName} names it in messages. */
    public static CaffeLog parse(String text, String fileName) {
        LogParser p = new LogParser();
        List<LogLines.Line> lines = LogLines.of(text);
        int lastGlog = -1;
        for (int i = 0; i < lines.size(); i++) {
            LogLines.Line l = lines.get(i);
            if (!l.isGlog()) {
                p.plain(l);
                continue;
            }
            lastGlog = i;
            GlogLine g = l.glog();
            p.glog.add(g);
            String block = block(lines, i);
            p.read(g, block);
        }
        CaffeLog.Finding killed = null;
        for (int i = lastGlog + 1; i < lines.size() && killed == null; i++) {
            if (KILLED.matcher(lines.get(i).text()).find()) {
                killed = new CaffeLog.Finding(lines.get(i).number(), lines.get(i).text().strip());
            }
        }
        List<LoggedNet> read = p.setups.nets();
        if (p.command == null && !read.isEmpty() && "TEST".equals(Roles.phase(read.get(0)))) {
            // no solver line at all, and a net built in TEST first: caffe test (that stopped before its passes)
            p.command = CaffeLog.Command.TEST;
        }
        List<LoggedNet> nets = Roles.assign(read, p.commandOr());
        return new CaffeLog(fileName, lines.size(), p.commandOr(), p.solverBlock, nets, p.events, p.glog, p.fatal,
                p.outOfMemory, killed, p.gpu, p.finetuning, p.resumed);
    }

    /** The plain lines after a glog line up to the next glog line: the rest of a multi-line message. */
    private static String block(List<LogLines.Line> lines, int at) {
        StringBuilder sb = new StringBuilder();
        for (int j = at + 1; j < lines.size() && !lines.get(j).isGlog(); j++) {
            sb.append(lines.get(j).text()).append('\n');
        }
        return sb.toString();
    }

    private CaffeLog.Command commandOr() {
        return command != null ? command : CaffeLog.Command.TRAIN;
    }

    private void plain(LogLines.Line l) {
        if (outOfMemory == null && OOM.matcher(l.text()).find()) {
            outOfMemory = new CaffeLog.Finding(l.number(), l.text().strip());
        }
    }

    private void read(GlogLine g, String block) {
        String msg = g.message();
        if (g.severity() == 'F' && fatal == null) {
            fatal = g;
        }
        if (outOfMemory == null && OOM.matcher(msg).find()) {
            outOfMemory = new CaffeLog.Finding(g.number(), msg);
        }
        if (msg.startsWith("Initializing net from parameters")) {
            setups.netBlock(new LoggedNet.Block(g, block));
            return;
        }
        LogEvent setup = setups.read(g);
        if (setup != null) {
            events.add(setup);
            return;
        }
        solverLine(g, msg, block);
    }

    private void solverLine(GlogLine g, String msg, String block) {
        Matcher m;
        if (msg.startsWith("Initializing solver from parameters")) {
            solverBlock = new LoggedNet.Block(g, block);
            trainRun();
            add(LogEvent.Kind.SOLVER_INIT, g);
        } else if (TRAINING_NET.matcher(msg).find()) {
            trainRun();
            setups.expect(LoggedNet.Role.TRAIN, -1);
        } else if ((m = TEST_NET.matcher(msg)).find()) {
            setups.expect(LoggedNet.Role.TEST, Integer.parseInt(m.group(1)));
        } else if (msg.startsWith("Use CPU.")) {
            gpu = false;
        } else if (msg.startsWith("Use GPU with device ID") || msg.startsWith("Using GPUs")) {
            gpu = true;
        } else if (msg.startsWith("Finetuning from ")) {
            finetuning = true;
        } else if (msg.startsWith("Resuming from ")) {
            resumed = true;
        } else {
            progress(g, msg);
        }
    }

    /** The lines of Solver::Solve, Step, Test and Snapshot, and of caffe test's loop. */
    private void progress(GlogLine g, String msg) {
        Matcher m;
        if (SOLVE.matcher(msg).find()) {
            trainRun();
            add(LogEvent.Kind.SOLVE_START, g);
        } else if ((m = TESTING.matcher(msg)).find()) {
            iteration = Long.parseLong(m.group(1));
            testNet = Integer.parseInt(m.group(2));
            add(LogEvent.Kind.TEST_START, g);
        } else if (TEST_OUTPUT.matcher(msg).find()) {
            add(LogEvent.Kind.TEST_DONE, g);
        } else if ((m = DISPLAY.matcher(msg)).find()) {
            iteration = Long.parseLong(m.group(1));
            add(LogEvent.Kind.DISPLAY, g);
        } else if (TRAIN_OUTPUT.matcher(msg).find()) {
            add(LogEvent.Kind.DISPLAY, g);
        } else if ((m = LR.matcher(msg)).find()) {
            iteration = Long.parseLong(m.group(1));
            add(LogEvent.Kind.UPDATE, g);
        } else if ((m = SNAPSHOT.matcher(msg)).find()) {
            Matcher it = SNAPSHOT_ITER.matcher(m.group(1));
            if (it.find()) {
                iteration = Long.parseLong(it.group(1));
            }
            add(LogEvent.Kind.SNAPSHOT_MODEL, g);
        } else if (SNAPSHOT_STATE.matcher(msg).find()) {
            add(LogEvent.Kind.SNAPSHOT_STATE, g);
        } else if (msg.startsWith("Optimization Done.")) {
            add(LogEvent.Kind.DONE, g);
        } else if (RUNNING.matcher(msg).find()) {
            command = CaffeLog.Command.TEST;
            add(LogEvent.Kind.TEST_RUN, g);
        } else if ((m = BATCH.matcher(msg)).find() && command == CaffeLog.Command.TEST) {
            iteration = Long.parseLong(m.group(1));
            add(LogEvent.Kind.TEST_BATCH, g);
        } else if (msg.startsWith("Loss: ") && command == CaffeLog.Command.TEST) {
            add(LogEvent.Kind.DONE, g);
        }
    }

    private void trainRun() {
        if (command == null) {
            command = CaffeLog.Command.TRAIN;
        }
    }

    private void add(LogEvent.Kind kind, GlogLine g) {
        boolean test = kind == LogEvent.Kind.TEST_START || kind == LogEvent.Kind.TEST_DONE;
        events.add(new LogEvent(kind, g, -1, null, iteration, test ? testNet : -1));
    }
}
