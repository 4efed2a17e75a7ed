package dev.caffemem.cli;

import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Mode;
import dev.caffemem.model.SolverSettings;
import dev.caffemem.net.NetException;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.Shape;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.Schema;
import dev.caffemem.prototxt.SourcePos;
import dev.caffemem.prototxt.TextFormat;
import dev.caffemem.prototxt.UnknownFields;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns the net options into a request: reads the files, resolves the solver's net, parses shapes. */
final class NetLoader {

    /** The net and solver as read. */
    record Loaded(Message net, String netLabel, Message solverParam, SolverSettings solver, Path solverFile,
                  boolean inlineNet) {
    }

    private NetLoader() {
    }

    static Loaded load(NetOptions o) {
        // --lenient: fields the schema lacks are skipped and said once each, after both files are read
        UnknownFields unknown = o.lenient ? new UnknownFields() : null;
        Message solverParam = null;
        SolverSettings solver = SolverSettings.assumedSgd();
        if (o.solver != null) {
            solverParam = TextFormat.parse(readable(o.solver), Schema.caffe().message("SolverParameter"), unknown);
            solver = SolverSettings.of(solverParam);
        }
        Message net;
        String label;
        boolean inline = false;
        if (o.net != null) {
            net = NetSpec.read(readable(o.net), unknown);
            label = o.net.toString();
        } else if (solverParam != null) {
            SolverNet sn = solverNet(solverParam, o.solver, unknown);
            net = sn.net();
            label = sn.label();
            inline = label.endsWith("_param)");
        } else {
            throw new CliException(ExitCodes.USAGE, "give a net prototxt, or a --solver whose net or train_net names one");
        }
        if (net.count("layer") == 0) {
            // Caffe would build an empty net without complaint (and abort at the first Forward), but a net
            // with no layers (an empty file, the wrong file, V1 layers inline) is never what the user meant.
            throw new CliException(ExitCodes.BAD_INPUT, label + ": the net defines no layers; nothing to estimate"
                    + (net.count("layers") > 0 ? " (its V1 \"layers\" are inline, and Caffe upgrades only nets read from files)" : ""));
        }
        if (unknown != null) {
            Lenience.warnFields(unknown, o::warn);
        }
        return new Loaded(net, label, solverParam, solver, o.solver, inline);
    }

    private record SolverNet(Message net, String label) {
    }

    /** {@code Solver::InitTrainNet}: exactly one of net, net_param, train_net, train_net_param. */
    private static SolverNet solverNet(Message s, Path solverFile, UnknownFields unknown) {
        List<String> given = new ArrayList<>();
        for (String f : List.of("net", "net_param", "train_net", "train_net_param")) {
            if (s.has(f)) {
                given.add(f);
            }
        }
        if (given.size() != 1) {
            throw new NetException(s.pos(), given.isEmpty()
                    ? "the solver names no train net (net, net_param, train_net or train_net_param); give NET"
                    : "the solver gives " + String.join(" and ", given) + "; Caffe accepts exactly one");
        }
        String field = given.get(0);
        if (field.endsWith("_param")) {
            // Caffe uses inline nets literally: no V1 or input upgrade
            return new SolverNet(s.getMessage(field), solverFile + " (" + field + ")");
        }
        Path file = resolve(s.getString(field), solverFile, s.pos(field));
        return new SolverNet(NetSpec.read(file, unknown), file.toString());
    }

    /** A path written in a solver: as given, else next to the solver, else under one of its ancestors. */
    static Path resolve(String written, Path solverFile, SourcePos pos) {
        List<Path> tried = new ArrayList<>();
        Path direct;
        try {
            direct = Path.of(written);
        } catch (java.nio.file.InvalidPathException e) {
            // a NUL, written as \0 in the prototxt string: no file system takes it
            throw new CliException(ExitCodes.BAD_INPUT, (pos != null ? pos : solverFile) + ": net file \""
                    + written.replace("\0", "\\0") + "\" is not a valid path: " + (written.indexOf('\0') >= 0
                    ? "it contains a NUL character" : e.getReason()));
        }
        tried.add(direct);
        if (!direct.isAbsolute() && solverFile != null) {
            for (Path dir = solverFile.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
                tried.add(dir.resolve(written));
            }
        }
        for (Path p : tried) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new CliException(ExitCodes.BAD_INPUT, (pos != null ? pos : solverFile) + ": net file \"" + written + "\" not found"
                + (tried.size() == 1 ? "" : " (tried " + tried.size() + " places: the current directory, then the "
                + "solver's directory and its parents)"));
    }

    private static Path readable(Path p) {
        java.nio.file.attribute.BasicFileAttributes attributes;
        try {
            // the exception says why, where Files.exists would only say "no"
            attributes = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CliException(ExitCodes.BAD_INPUT, p + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new CliException(ExitCodes.BAD_INPUT, p + ": permission denied (a directory on the way may not be searched)");
        } catch (java.nio.file.FileSystemException e) {
            // e.g. "Too many levels of symbolic links" (a loop), "Not a directory" (a file on the way)
            String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
            throw new CliException(ExitCodes.BAD_INPUT, p + ": " + reason.substring(0, 1).toLowerCase(java.util.Locale.ROOT)
                    + reason.substring(1));
        } catch (java.io.IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, p + ": cannot be read: " + e.getMessage());
        }
        if (attributes.isDirectory()) {
            throw new CliException(ExitCodes.BAD_INPUT, p + ": is a directory, not a prototxt file");
        }
        if (!attributes.isRegularFile()) {
            throw new CliException(ExitCodes.BAD_INPUT, p + ": not a regular file");
        }
        if (!Files.isReadable(p)) {
            throw new CliException(ExitCodes.BAD_INPUT, p + ": not readable");
        }
        return p;
    }

    static EstimateRequest request(NetOptions o, Mode mode) {
        positive("--batch", o.batch);
        positive("--test-batch", o.testBatch);
        if (o.rois != null && o.rois <= 0) {
            throw new CliException(ExitCodes.USAGE, "--rois " + o.rois + ": at least 1 region");
        }
        Loaded l = load(o);
        Map<String, Shape> inputs = inputShapes(o.inputShapes);
        Map<String, List<String>> tops = topShapes(o.topShapes);
        ShapeOverrides train = new ShapeOverrides(o.phase == dev.caffemem.net.Phase.TEST && o.batch == null
                ? o.testBatch : o.batch, inputs, tops, o.rois, o.lenient);
        ShapeOverrides test = new ShapeOverrides(o.testBatch, inputs, tops, o.rois, o.lenient);
        if (o.lenient) {
            Lenience.warnLayers(l.net(), tops, o::warn);
        }
        List<String> stages = new ArrayList<>(o.stages);
        if (l.solverParam() != null && o.phase == dev.caffemem.net.Phase.TRAIN) {
            stages.addAll(l.solverParam().getMessage("train_state").getStrings("stage"));
        }
        Path solverFile = l.solverFile();
        Message solverParam = l.solverParam();
        // an inline net_param stays alive twice (the caller's SolverParameter and the solver's own copy);
        // a net Caffe reads from a file is freed after Net::Init
        if (o.threads != null && o.threads < 1) {
            throw new CliException(ExitCodes.USAGE, "--threads " + o.threads + ": at least 1");
        }
        Path here = (o.dataRoot != null ? o.dataRoot : Path.of("")).toAbsolutePath();
        dev.caffemem.model.Runtime runtime = new dev.caffemem.model.Runtime(
                o.threads != null ? o.threads : java.lang.Runtime.getRuntime().availableProcessors(),
                o.weights != null ? o.weights : o.phase == dev.caffemem.net.Phase.TEST,
                dev.caffemem.net.DataFiles.hdf5(l.net(), here), dev.caffemem.net.DataFiles.datasets(l.net(), here));
        return new EstimateRequest(l.net(), o.phase, mode, l.solver(), train, test,
                f -> testNet(o, resolve(f, solverFile, testNetPos(solverParam, f))), stages, l.inlineNet() ? 2 : 0)
                .withRuntime(runtime);
    }

    /** A solver's test_net file, read when the estimate builds it (leniently with --lenient, saying what it skipped). */
    private static Message testNet(NetOptions o, Path file) {
        if (!o.lenient) {
            return NetSpec.read(file);
        }
        UnknownFields unknown = new UnknownFields();
        Message net = NetSpec.read(file, unknown);
        Lenience.warnFields(unknown, o::warn);
        Lenience.warnLayers(net, topShapes(o.topShapes), o::warn);
        return net;
    }

    /** Where the solver names a test_net file, so that "not found" can point at it. */
    private static SourcePos testNetPos(Message solver, String file) {
        List<String> files = solver == null ? List.of() : solver.getStrings("test_net");
        int i = files.indexOf(file);
        return i >= 0 ? solver.pos("test_net", i) : solver != null ? solver.pos() : null;
    }

    /** A batch of 0 or less is a typo, not a net problem: say so before any file is read. */
    private static void positive(String option, Integer value) {
        if (value != null && value <= 0) {
            throw new CliException(ExitCodes.USAGE, option + " " + value + ": the batch must be at least 1");
        }
    }

    static Map<String, Shape> inputShapes(List<String> specs) {
        Map<String, Shape> out = new HashMap<>();
        for (String s : specs) {
            String[] kv = split(s, "--input-shape", "TOP=C,H,W");
            List<Integer> dims = new ArrayList<>();
            for (String d : kv[1].split(",")) {
                dims.add(dimension(d.trim(), "--input-shape " + s + ": dimensions must be positive integers, like data=3,224,224"));
            }
            out.put(kv[0], Shape.of(dims));
        }
        return out;
    }

    static Map<String, List<String>> topShapes(List<String> specs) {
        Map<String, List<String>> out = new HashMap<>();
        for (String s : specs) {
            String[] kv = split(s, "--top-shape", "TOP=D1,D2,...");
            List<String> dims = Arrays.stream(kv[1].split(",")).map(String::trim).toList();
            for (String d : dims) {
                if (!d.equals("N")) {
                    dimension(d, "--top-shape " + s + ": each dimension is a positive integer or N (the batch)");
                }
            }
            out.put(kv[0], dims);
        }
        return out;
    }

    /** A dimension typed on the command line: 1 to INT_MAX, as a Caffe blob dimension with elements. */
    private static int dimension(String text, String complaint) {
        int d;
        try {
            d = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, complaint);
        }
        if (d <= 0) {
            throw new CliException(ExitCodes.USAGE, complaint);
        }
        return d;
    }

    private static String[] split(String s, String option, String form) {
        int eq = s.indexOf('=');
        if (eq <= 0 || eq == s.length() - 1) {
            throw new CliException(ExitCodes.USAGE, option + " " + s + ": expected " + form);
        }
        return new String[] {s.substring(0, eq).trim(), s.substring(eq + 1).trim()};
    }
}
