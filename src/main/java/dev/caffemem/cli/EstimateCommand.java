package dev.caffemem.cli;

import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.model.Mode;
import dev.caffemem.probe.Machine;
import dev.caffemem.report.EstimateRenderer;
import dev.caffemem.report.Units;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code caffemem estimate}: the analytical bill, from the prototxt alone. */
@Command(name = "estimate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Computes, from the prototxt alone and without loading Caffe, the memory one training iteration "
                    + "(or one inference pass) of a net holds on CPU: per layer and per component, as a fixed part "
                    + "plus a per-sample part, next to the figure Caffe's own log prints.",
            "",
            "Examples:",
            "  caffemem estimate examples/seed/train_val.prototxt --solver examples/seed/solver.prototxt",
            "  caffemem estimate deploy.prototxt --phase TEST --batch 64 --format json",
            "  caffemem estimate --solver solver.prototxt --batch 256 --memory 16GiB"})
public final class EstimateCommand implements Callable<Integer> {

    @Mixin
    NetOptions net;

    @Mixin
    OutputOptions output;

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory available for the run (e.g. 16GiB). Says whether the bill fits and exits with 1 if not.")
    String memory;

    @Mixin
    MetricsOptions metricsOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // Read --memory before estimating: a bad size must not leave a report on stdout behind it.
        Long available = null;
        if (memory != null) {
            try {
                available = Units.parse(memory);
            } catch (IllegalArgumentException ex) {
                throw new CliException(ExitCodes.USAGE, "--memory: " + ex.getMessage());
            }
        }
        MetricsRun metrics = new MetricsRun(metricsOptions, "estimate");
        Integer code = null;
        try {
            code = estimate(available, metrics);
        } finally {
            code = metrics.finish(code, spec.commandLine().getErr());
        }
        return code;
    }

    private int estimate(Long available, MetricsRun metrics) {
        EstimateRequest request = NetLoader.request(net, Mode.CPU);
        Estimate e = Estimator.estimate(request);
        spec.commandLine().getOut().print(new EstimateRenderer(output.bytes).render(e, output.format));
        spec.commandLine().getOut().flush();
        if (metrics.wanted()) {
            metrics.meters().recordEstimate(e, request, available != null ? available : Machine.availableBytes(),
                    metrics.perLayer());
        }
        if (available != null) {
            boolean fits = e.totalBytes() <= available;
            spec.commandLine().getErr().printf("%s: %s needed, %s available%n", fits ? "fits" : "does NOT fit",
                    Units.bytes(e.totalBytes(), output.bytes), Units.bytes(available, output.bytes));
            spec.commandLine().getErr().flush();
            return fits ? ExitCodes.OK : ExitCodes.DOES_NOT_FIT;
        }
        return ExitCodes.OK;
    }
}
