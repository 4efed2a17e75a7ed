package dev.caffemem.cli;

import dev.caffemem.explain.ExplainException;
import dev.caffemem.explain.ExplainInput;
import dev.caffemem.explain.Explainer;
import dev.caffemem.explain.Explanation;
import dev.caffemem.explain.LogParser;
import dev.caffemem.report.ExplainRenderer;
import dev.caffemem.report.ReportFormat;
import dev.caffemem.report.Units;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code caffemem explain}: why a run was killed (or where it peaked), from the Caffe log the user has. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Reads the log that caffe train or caffe test wrote (glog's lines, whole or an excerpt, with another tool's "
                    + "prefixes or a shell's \"Killed\" after it), estimates the run it came from, and says where the "
                    + "log ends in the run's life, what the process held there and at its peak, what it was writing for "
                    + "the first time, whether that fits --memory, and the smallest changes that would fit.",
            "",
            "The solver and nets come from the log itself when Caffe printed them (\"Initializing solver/net from "
                    + "parameters\"), else from NET and --solver. Every logged top shape and \"Memory required for data\" "
                    + "is checked against caffemem's own.",
            "",
            "Examples:",
            "  caffemem explain train.log",
            "  caffemem explain excerpt.txt examples/seed/train_val.prototxt --solver examples/seed/solver.prototxt",
            "  caffemem explain train.log --memory 16GiB --format json"})
public final class ExplainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "LOG", description = "The Caffe log (caffe train or caffe test's stderr).")
    Path log;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NET",
            description = "The net prototxt, for a log that does not print it.")
    Path net;

    @Option(names = "--solver", paramLabel = "FILE", description = "The solver prototxt, for a log that does not print it.")
    Path solver;

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory the run had (e.g. 16GiB): says whether the run fits, and the changes that would. "
                    + "Exit code 1 if it does not fit.")
    String memory;

    @Option(names = "--input-shape", paramLabel = "TOP=C,H,W", split = "\\s+",
            description = "Per-sample shape of a data layer's top, where the log shows no top shapes. Repeatable.")
    List<String> inputShapes = new ArrayList<>();

    @Option(names = "--top-shape", paramLabel = "TOP=D1,D2,...",
            description = "Shape of a top of a layer type caffemem does not know, where the log shows none. Repeatable.")
    List<String> topShapes = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N",
            description = "OpenBLAS threads of the run. Default: this machine's processors.")
    Integer threads;

    @Option(names = "--data-root", paramLabel = "DIR",
            description = "The directory Caffe ran in (relative data paths). Default: the current directory.")
    Path dataRoot;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Long available = null;
        if (memory != null) {
            try {
                available = Units.parse(memory);
            } catch (IllegalArgumentException ex) {
                throw new CliException(ExitCodes.USAGE, "--memory: " + ex.getMessage());
            }
        }
        if (output.format != ReportFormat.TEXT && output.format != ReportFormat.JSON) {
            throw new CliException(ExitCodes.USAGE, "--format " + output.format.name().toLowerCase(java.util.Locale.ROOT)
                    + ": explain prints text or json");
        }
        if (threads != null && threads < 1) {
            throw new CliException(ExitCodes.USAGE, "--threads " + threads + ": at least 1");
        }
        ExplainInput in = new ExplainInput(log, net, solver, available,
                threads != null ? threads : Runtime.getRuntime().availableProcessors(), dataRoot,
                NetLoader.inputShapes(inputShapes), NetLoader.topShapes(topShapes));
        Explanation x;
        try {
            x = Explainer.explain(LogParser.parse(read(log), log.toString()), in);
        } catch (ExplainException e) {
            throw new CliException(e.isUsage() ? ExitCodes.USAGE : ExitCodes.BAD_INPUT, e.getMessage(), e);
        }
        spec.commandLine().getOut().print(new ExplainRenderer(output.bytes).render(x, output.format));
        spec.commandLine().getOut().flush();
        return Boolean.FALSE.equals(x.fits()) ? ExitCodes.DOES_NOT_FIT : ExitCodes.OK;
    }

    private static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CliException(ExitCodes.BAD_INPUT, file + (Files.exists(file) ? ": not a regular file" : ": no such file"));
        }
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
