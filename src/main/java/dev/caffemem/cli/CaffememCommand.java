package dev.caffemem.cli;

import picocli.CommandLine.Command;

/** The root command: only subcommands do work. */
@Command(name = "caffemem", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Tells how much memory a Caffe net needs before a long training run starts, and proves it against "
                    + "the real Caffe.",
            "",
            "Caffe's own log line \"Memory required for data\" counts only forward activations. caffemem bills "
                    + "everything a training process holds: activations and their gradients, weights and their "
                    + "gradients, solver history, layer buffers (im2col, masks, ...), prefetch batches and test nets."},
        subcommands = {EstimateCommand.class, ProbeCommand.class, ReportCommand.class, ExplainCommand.class, CalibrateCommand.class, ServeCommand.class, MeasureCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  success", "  1  the bill does not fit in --memory", "  2  bad command-line usage",
            "  3  a file could not be read, or the net is invalid", "  4  internal error (a bug; please report it)",
            " 10  the real Caffe aborted (probe)", " 11  a probe child was killed (usually out of memory)",
            " 12  a probe child timed out", " 13  a probe child failed otherwise", " 14  pushing metrics failed",
            " 15  no usable GPU for --device gpu:N (probe, calibrate)"})
public final class CaffememCommand implements Runnable {

    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
