package dev.caffemem.explain;

import dev.caffemem.net.NetException;
import dev.caffemem.net.NetSpec;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.PrototxtException;
import dev.caffemem.prototxt.Schema;
import dev.caffemem.prototxt.TextFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The solver and net definitions of a run: those Caffe printed into the log (DebugString, read with this project's
 * own text-format parser, at the log's line numbers), else the files the user gives. Files named in a solver are
 * looked for as written, then next to the solver file and under its parents, then next to the log and under its
 * parents (where {@code caffe} ran, usually).
 */
final class Definitions {
    private final CaffeLog log;
    private final Path logFile;
    private final List<String> notes;

    Definitions(CaffeLog log, Path logFile, List<String> notes) {
        this.log = log;
        this.logFile = logFile;
        this.notes = notes;
    }

    /** The solver printed in the log, or null if it has none or it cannot be read (said in a note). */
    Message loggedSolver() {
        LoggedNet.Block b = log.solverBlock();
        if (b == null) {
            return null;
        }
        try {
            return TextFormat.parse(padded(b), log.fileName(), Schema.caffe().message("SolverParameter"));
        } catch (PrototxtException e) {
            notes.add("the log's solver (line " + b.line().number() + ") cannot be read with Caffe 1.0's schema, "
                    + "another version or a fork wrote it: " + e.getMessage());
            return null;
        }
    }

    /** A net printed in the log, upgraded as Caffe reads it, or null if absent or unreadable (said in a note). */
    Message loggedNet(LoggedNet net) {
        if (net == null || net.block() == null) {
            return null;
        }
        try {
            return NetSpec.parse(padded(net.block()), log.fileName());
        } catch (PrototxtException | NetException e) {
            notes.add(net.label() + " as printed in the log (line " + net.block().line().number() + ") cannot be read "
                    + "with Caffe 1.0's schema, another version or a fork wrote it: " + e.getMessage());
            return null;
        }
    }

    static Message solverFile(Path file) {
        return TextFormat.parse(readable(file), Schema.caffe().message("SolverParameter"));
    }

    static Message netFile(Path file) {
        return NetSpec.read(readable(file));
    }

    /** A net file a solver names, looked for where a user's {@code caffe} most likely ran. */
    Message namedNet(String written, Path solverFile) {
        List<Path> tried = new ArrayList<>();
        Path direct = Path.of(written);
        tried.add(direct);
        if (!direct.isAbsolute()) {
            for (Path start : new Path[] {solverFile, logFile}) {
                if (start == null) {
                    continue;
                }
                for (Path dir = start.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
                    tried.add(dir.resolve(written));
                }
            }
        }
        for (Path p : tried) {
            if (Files.isRegularFile(p)) {
                return NetSpec.read(p);
            }
        }
        return null;
    }

    /** The block's text, after as many empty lines as precede it in the log, so errors point at the log's lines. */
    private static String padded(LoggedNet.Block b) {
        return "\n".repeat(b.line().number()) + b.text();
    }

    private static Path readable(Path p) {
        if (!Files.isRegularFile(p)) {
            throw ExplainException.badInput(p + (Files.exists(p) ? ": not a regular file" : ": no such file"), null);
        }
        if (!Files.isReadable(p)) {
            throw ExplainException.badInput(p + ": not readable", null);
        }
        return p;
    }
}
