package dev.caffemem.cli;

import dev.caffemem.metrics.CaffememMeters;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Mode;
import dev.caffemem.probe.Machine;
import dev.caffemem.probe.Probe;
import dev.caffemem.probe.ProbeException;
import dev.caffemem.compare.ProbeReport;
import dev.caffemem.report.ProbeRenderer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code caffemem probe}: the real Caffe at small batches, isolated, extrapolated to the target batch. */
@Command(name = "probe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs the net in the real Caffe (through JavaCPP; on the CPU, or with --device gpu:N on a GPU) at a "
                    + "few small batches, each in a child JVM so that nothing Caffe does can take this process down; measures what it really allocated (blob "
                    + "by blob, glibc's allocator count, resident memory, time per phase); fits fixed + per-sample "
                    + "bytes; and extrapolates to the target batch, next to the analytical estimate of the same run.",
            "",
            "Data layers become Input layers of the inferred shapes and fillers become constant (the same memory, "
                    + "much faster), unless --real-data.",
            "With no NET and no --solver, probes the bundled example (the net from the seed question) at its batch.",
            "",
            "Examples:",
            "  caffemem probe",
            "  caffemem probe --solver solver.prototxt --batch 256 --points 1,2,4,8 --verify",
            "  caffemem probe deploy.prototxt --phase TEST --batch 64 --memory-limit 8GiB --format json"},
        footer = {"", "Exit codes: 0 ok; 2 usage; 3 bad input; 10 Caffe aborted; 11 a child was killed (out of memory);",
            "12 a child timed out; 13 a child failed otherwise; 14 the report is out but pushing metrics failed;",
            "15 --device gpu:N and no usable GPU (no driver, no CUDA libraries, no such GPU, or a CPU-only jar)."})
public final class ProbeCommand implements Callable<Integer> {

    @Mixin
    NetOptions net;

    @Mixin
    OutputOptions output;

    @Mixin
    ProbeOptions probe;

    @Mixin
    MetricsOptions metricsOptions;

    @Mixin
    PlotOptions plot;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        probe.validate();
        plot.check();
        MetricsRun metrics = new MetricsRun(metricsOptions, "probe");
        Integer code = null;
        try {
            ProbeReport report = run(net, probe, metrics.wanted() ? metrics.meters() : null, metrics.perLayer(), line -> {
                spec.commandLine().getErr().println("caffemem probe: " + line);
                spec.commandLine().getErr().flush();
            });
            spec.commandLine().getOut().print(new ProbeRenderer(output.bytes).render(report, output.format));
            spec.commandLine().getOut().flush();
            plot.write(f -> dev.caffemem.report.chart.Plots.probe(report, f), spec.commandLine().getErr(), "probe");
            code = ExitCodes.OK;
        } finally {
            code = metrics.finish(code, spec.commandLine().getErr());
        }
        return code;
    }

    /**
     * Runs a probe of the net (the bundled example when no NET and no --solver) and, when asked,
     * records its metrics while the net's files are still there. Shared with {@code serve}.
     *
     * @param meters where to record the metrics, or null
     */
    static ProbeReport run(NetOptions net, ProbeOptions probe, CaffememMeters meters, boolean perLayer,
                           Consumer<String> progress) {
        Path bundled = null;
        try {
            if (net.net == null && net.solver == null) {
                bundled = extractSeedExample();
                net.solver = bundled.resolve("solver.prototxt");
            }
            dev.caffemem.model.GpuSettings gpu = probe.gpuSettings();
            dev.caffemem.device.NativeConfig natives = gpu != null ? probe.natives() : null;
            EstimateRequest request = NetLoader.request(net, Mode.CPU).onDevice(gpu);
            var solverParam = NetLoader.load(net).solverParam();
            Probe.Settings settings = probe.settings(progress);
            Probe p = new Probe(request, solverParam, settings);
            if (gpu != null) {
                p.onGpu(natives, gpu);
            }
            ProbeReport report = p.run();
            if (meters != null) {
                Long limit = probe.memoryLimitBytes();
                meters.recordProbe(report, request, limit != null ? limit : Machine.availableBytes(), perLayer);
            }
            return report;
        } catch (ProbeException e) {
            throw new CliException(exitCode(e.kind()), e.getMessage());
        } finally {
            if (bundled != null) {
                net.solver = null;
                dev.caffemem.probe.Leftovers.removeTempDir(bundled);
            }
        }
    }

    static int exitCode(ProbeException.Kind kind) {
        return switch (kind) {
            case CAFFE_ABORTED -> ExitCodes.CAFFE_ABORTED;
            case KILLED -> ExitCodes.CHILD_KILLED;
            case TIMEOUT -> ExitCodes.CHILD_TIMEOUT;
            case FAILED -> ExitCodes.CHILD_FAILED;
            case NO_GPU -> ExitCodes.NO_GPU;
            // an option this machine cannot honour: the user's to change, like any usage error
            case UNSUPPORTED -> ExitCodes.USAGE;
        };
    }

    static Duration duration(String text) {
        return duration("--timeout", text);
    }

    /**
     * A positive duration that fits the millisecond and nanosecond counts it ends up in (waitFor, HTTP
     * timeouts, the schedule); zero would stop a child before it starts or fail every push.
     */
    static Duration duration(String option, String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        Duration d;
        try {
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                d = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> throw new NumberFormatException();
                };
            }
            d.toNanos(); // throws past about 292 years
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new CliException(ExitCodes.USAGE, option + " " + text + ": expected a duration like 90s, 10m or 1h");
        } catch (ArithmeticException e) {
            throw new CliException(ExitCodes.USAGE, option + " " + text + ": too long (at most about 292 years)");
        }
        if (d.isNegative() || d.isZero()) {
            throw new CliException(ExitCodes.USAGE, option + " " + text + ": must be more than zero");
        }
        return d;
    }

    /** The bundled seed example, from the jar into a temporary directory. */
    static Path extractSeedExample() {
        try {
            Path dir = dev.caffemem.probe.Leftovers.tempDir("caffemem-seed-");
            for (String f : List.of("train_val.prototxt", "solver.prototxt")) {
                try (InputStream in = ProbeCommand.class.getResourceAsStream("/dev/caffemem/examples/seed/" + f)) {
                    if (in == null) {
                        throw new CliException(ExitCodes.INTERNAL, "the bundled example is missing from the jar: " + f);
                    }
                    Files.copy(in, dir.resolve(f));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
