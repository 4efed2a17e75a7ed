package dev.caffemem.cli;

import dev.caffemem.compare.ProbeReport;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.model.GpuSettings;
import dev.caffemem.model.Mode;
import dev.caffemem.probe.Machine;
import dev.caffemem.report.Units;
import dev.caffemem.report.html.HtmlReport;
import dev.caffemem.report.html.Limit;
import dev.caffemem.report.html.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code caffemem report}: the estimate (and a probe) as one self-contained HTML page with charts. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Writes one self-contained HTML file (CSS and SVG charts inline, nothing fetched when it is opened; "
                    + "printable): whether the run fits in --memory (or the GPU profile's capacity, or else this "
                    + "machine's available memory), by how much, its peak and the largest batch that fits; then "
                    + "where the memory goes by layer, memory vs batch, the run's timeline and the components as "
                    + "charts; then the tables. With --probe, also the real Caffe's measurements (see 'probe').",
            "",
            "Examples:",
            "  caffemem report --solver examples/seed/solver.prototxt --memory 11GiB -o report.html",
            "  caffemem report --solver solver.prototxt --device gpu --profile v100-16gb -o report.html",
            "  caffemem report --solver solver.prototxt --memory 16GiB --probe --verify -o report.html"},
        footer = {"", "Exit codes: 0 written (and fits, when --memory or a GPU profile sets the limit); 1 written, "
                + "but the run does not fit; 2 usage; 3 bad input or the file cannot be written; 10-15 as for probe."})
public final class ReportCommand implements Callable<Integer> {

    @Mixin
    NetOptions net;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
            description = "The HTML file to write; - writes it to stdout.")
    Path output;

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory available for the run (e.g. 16GiB): host memory on CPU, device memory on a GPU "
                    + "(instead of the profile's capacity). Without it on the CPU, this machine's available memory.")
    String memory;

    @Option(names = "--gpus", paramLabel = "N", defaultValue = "1",
            description = "GPUs of a data-parallel run (see estimate --help). Default: ${DEFAULT-VALUE}.")
    int gpus;

    @Option(names = "--probe", description = "Also run the probe (the real Caffe at small batches, in a child JVM; "
            + "its options below) and put its measurements into the report.")
    boolean runProbe;

    @Mixin
    ProbeOptions probe;

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces on errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Long available = memory == null ? null : parseMemory();
        if (runProbe) {
            probe.validate();
        }
        if (gpus < 1 || gpus > 1 && !probe.deviceOptions.gpu()) {
            throw new CliException(ExitCodes.USAGE, "--gpus " + gpus + ": at least 1, and more than 1 needs --device gpu");
        }
        if (gpus > 1 && net.phase == dev.caffemem.net.Phase.TEST) {
            throw new CliException(ExitCodes.USAGE, "--gpus " + gpus + ": data-parallel runs are training runs (--phase TRAIN)");
        }
        GpuSettings gpu = probe.deviceOptions.gpuSettings(available, gpus);
        EstimateRequest request = NetLoader.request(net, Mode.CPU).onDevice(gpu);
        Estimate estimate = Estimator.estimate(request);
        ProbeReport measured = runProbe ? ProbeCommand.run(net, probe, null, false, this::progress) : null;
        Limit limit = Limit.of(estimate, memory, available, Machine::availableBytes);
        Report report = Report.of(request, estimate, limit, measured, Instant.now(), version());
        write(HtmlReport.render(report));
        spec.commandLine().getErr().printf("%s: %s needed, %s%n", report.fits() ? "fits" : "does NOT fit",
                Units.bytes(report.neededBytes(), false), limit);
        spec.commandLine().getErr().flush();
        return limit.given() && !report.fits() ? ExitCodes.DOES_NOT_FIT : ExitCodes.OK;
    }

    private long parseMemory() {
        try {
            return Units.parse(memory);
        } catch (IllegalArgumentException ex) {
            throw new CliException(ExitCodes.USAGE, "--memory: " + ex.getMessage());
        }
    }

    private void progress(String line) {
        spec.commandLine().getErr().println("caffemem report: " + line);
        spec.commandLine().getErr().flush();
    }

    private void write(String html) {
        if (output.toString().equals("-")) {
            spec.commandLine().getOut().print(html);
            spec.commandLine().getOut().flush();
            return;
        }
        try {
            Files.writeString(output, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCodes.BAD_INPUT, output + ": cannot write the report: " + PlotOptions.why(e));
        }
        progress("wrote " + output + " (" + Units.bytes(html.getBytes(StandardCharsets.UTF_8).length, false) + ")");
    }

    private static String version() {
        String v = CaffememCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
