package dev.caffemem.cli;

import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.GpuSettings;
import dev.caffemem.model.Estimator;
import dev.caffemem.model.Mode;
import dev.caffemem.probe.Machine;
import dev.caffemem.memory.Timeline;
import dev.caffemem.report.EstimateRenderer;
import dev.caffemem.report.TimelineRenderer;
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
                    + "(or one inference pass) of a net holds, on CPU or on a GPU: per layer and per component, as a "
                    + "fixed part plus a per-sample part, next to the figure Caffe's own log prints.",
            "",
            "On a GPU (--device gpu) the bill is split into device memory and host memory (mostly pinned), with "
                    + "the CUDA context, library handles and cuDNN workspaces priced from a device profile "
                    + "(--profile; see profiles/README.md).",
            "",
            "Examples:",
            "  caffemem estimate examples/seed/train_val.prototxt --solver examples/seed/solver.prototxt",
            "  caffemem estimate deploy.prototxt --phase TEST --batch 64 --format json",
            "  caffemem estimate --solver solver.prototxt --batch 256 --memory 16GiB",
            "  caffemem estimate --solver solver.prototxt --device gpu --profile v100-16gb",
            "  caffemem estimate --solver solver.prototxt --device gpu --profile a100-80gb --gpus 4"})
public final class EstimateCommand implements Callable<Integer> {

    @Mixin
    NetOptions net;

    @Mixin
    OutputOptions output;

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory available for the run (e.g. 16GiB): host memory on CPU, device memory on a GPU "
                    + "(instead of the profile's capacity). Says whether the bill fits and exits with 1 if not.")
    String memory;

    @Mixin
    DeviceOptions deviceOptions;

    @Option(names = "--gpus", paramLabel = "N", defaultValue = "1",
            description = "GPUs of a data-parallel run (Caffe's NCCL training, a full replica per GPU): prints the "
                    + "per-GPU bill, the root's extras apart. Default: ${DEFAULT-VALUE}.")
    int gpus;

    @Option(names = "--timeline",
            description = "Also print the run's timeline: what the process holds after each event (net init, test "
                    + "nets, iteration 0's phases, the snapshot) and the most it held during it. JSON always has it.")
    boolean showTimeline;

    @Mixin
    MetricsOptions metricsOptions;

    @Mixin
    PlotOptions plot;

    @Spec
    CommandSpec spec;

    /** The GPU to estimate for, or null for CPU; every option problem is a usage error before any work. */
    private GpuSettings gpuSettings(Long available) {
        if (gpus < 1) {
            throw new CliException(ExitCodes.USAGE, "--gpus " + gpus + ": at least 1");
        }
        if (!deviceOptions.gpu()) {
            if (gpus != 1) {
                throw new CliException(ExitCodes.USAGE, "--gpus " + gpus + " needs --device gpu");
            }
            return null;
        }
        if (net.phase == dev.caffemem.net.Phase.TEST && gpus > 1) {
            throw new CliException(ExitCodes.USAGE, "--gpus " + gpus + ": data-parallel runs are training runs (--phase TRAIN)");
        }
        return deviceOptions.gpuSettings(available, gpus);
    }

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
        GpuSettings gpu = gpuSettings(available);
        plot.check();
        MetricsRun metrics = new MetricsRun(metricsOptions, "estimate");
        Integer code = null;
        try {
            code = estimate(available, gpu, metrics);
        } finally {
            code = metrics.finish(code, spec.commandLine().getErr());
        }
        return code;
    }

    /** Whether the peak fits, in one line on stderr: and when it does not, where and by how much. */
    private int verdict(Estimate e, long available, String what, String where) {
        long need = e.boundBytes();
        boolean fits = need <= available;
        Timeline.Event peak = e.peak().event();
        String line = String.format("%s: peak %s%s needed%s (at %s), %s available", fits ? "fits" : "does NOT fit",
                Units.bytes(need, output.bytes), what, where, TimelineRenderer.where(peak),
                Units.bytes(available, output.bytes));
        if (!fits) {
            line += String.format("; %s short", Units.bytes(need - available, output.bytes));
            long steady = e.gpu() == null ? e.totalBytes() : e.gpu().rootDeviceBytes();
            boolean snapshot = peak.stage() == Timeline.Stage.SNAPSHOT_MODEL
                    || peak.stage() == Timeline.Stage.SNAPSHOT_SOLVER_STATE;
            if (snapshot && steady <= available) {
                line += String.format("; the snapshot is what does not fit: the training itself holds %s",
                        Units.bytes(steady, output.bytes));
            }
        }
        spec.commandLine().getErr().println(line);
        spec.commandLine().getErr().flush();
        return fits ? ExitCodes.OK : ExitCodes.DOES_NOT_FIT;
    }

    private int estimate(Long available, GpuSettings gpu, MetricsRun metrics) {
        EstimateRequest request = NetLoader.request(net, Mode.CPU).onDevice(gpu);
        Estimate e = Estimator.estimate(request);
        spec.commandLine().getOut().print(new EstimateRenderer(output.bytes).withTimeline(showTimeline)
                .render(e, output.format));
        spec.commandLine().getOut().flush();
        plot.write(f -> dev.caffemem.report.chart.Plots.estimate(e, f), spec.commandLine().getErr(), "estimate");
        if (metrics.wanted()) {
            long limit = gpu != null ? gpu.capacityBytes() : available != null ? available : Machine.availableBytes();
            metrics.meters().recordEstimate(e, request, limit, metrics.perLayer());
        }
        if (gpu != null) {
            // on a GPU the device's capacity is the limit, always known from the profile
            return verdict(e, gpu.capacityBytes(), " of device memory", " on " + gpu.name());
        }
        if (available != null) {
            return verdict(e, available, "", "");
        }
        return ExitCodes.OK;
    }
}
