package dev.caffemem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caffemem.device.Device;
import dev.caffemem.device.DeviceProfile;
import dev.caffemem.device.DeviceProfileException;
import dev.caffemem.device.DeviceProfiles;
import dev.caffemem.device.NativeConfig;
import dev.caffemem.device.NativeConfigException;
import dev.caffemem.device.UnknownProfileException;
import dev.caffemem.probe.Calibration;
import dev.caffemem.probe.ProbeException;
import dev.caffemem.probe.ProbeRunner;
import dev.caffemem.report.ReportFormat;
import dev.caffemem.report.Units;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code caffemem calibrate}: measures a GPU's overheads and writes them into a device profile. */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Measures, on the GPU at hand, what the analytical GPU model cannot derive from Caffe's source: the CUDA "
                    + "context with cuBLAS's, cuRAND's and cuDNN's modules loaded, one more handle of each library, "
                    + "the device allocator's step, and the workspace Caffe's cuDNN convolution takes at five common "
                    + "shapes (batch 32). Each is the growth of this process's device memory (NVML, cudaMemGetInfo) "
                    + "around one action, in a child process with Caffe's GPU build.",
            "",
            "With --save-profile, writes a calibrated device profile: the bundled profile of the same board (or "
                    + "--profile) with the measured overheads, the usable memory and where they came from. Run on an "
                    + "idle GPU: another process's allocations would land in the readings.",
            "",
            "Examples:",
            "  caffemem calibrate --device gpu:0",
            "  caffemem calibrate --device gpu:0 --save-profile profiles/v100-16gb.yaml",
            "  caffemem calibrate --device gpu:1 --profile a100-80gb --save-profile /tmp/a100-80gb.yaml --format json"},
        footer = {"", "Exit codes: 0 ok; 2 usage; 3 a profile could not be read or written; 13 the child failed;",
            "15 no usable GPU (no driver, no CUDA libraries, no such GPU, or a CPU-only jar)."})
public final class CalibrateCommand implements Callable<Integer> {

    @Option(names = "--device", paramLabel = "gpu:N", defaultValue = "gpu:0",
            description = "The GPU to calibrate. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--save-profile", paramLabel = "FILE",
            description = "Write the calibrated profile here (YAML; the profile's name is the file's name less .yaml).")
    Path saveProfile;

    @Option(names = "--profile", paramLabel = "NAME|FILE",
            description = "The profile to calibrate (its maker's data is kept). Default: the bundled profile whose "
                    + "board matches the GPU's name and memory.")
    String profile;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "Longest the child may run. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Mixin
    OutputOptions output;

    @Mixin
    MetricsOptions metricsOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        MetricsRun metrics = new MetricsRun(metricsOptions, "calibrate");
        Integer code = null;
        try {
            code = calibrate(metrics);
        } finally {
            code = metrics.finish(code, spec.commandLine().getErr());
        }
        return code;
    }

    private int calibrate(MetricsRun metrics) {
        Device d;
        try {
            d = Device.parse(device);
        } catch (NativeConfigException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        if (d.kind() != Device.Kind.GPU) {
            throw new CliException(ExitCodes.USAGE, "--device " + device + ": calibration is for a GPU (gpu:N)");
        }
        if (saveProfile != null && !saveProfile.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".yaml")) {
            throw new CliException(ExitCodes.USAGE, "--save-profile " + saveProfile + ": a .yaml file");
        }
        DeviceProfile base = null;
        if (profile != null) {
            try {
                base = DeviceProfiles.standard().resolve(profile);
            } catch (UnknownProfileException e) {
                throw new CliException(ExitCodes.USAGE, "--profile: " + e.getMessage());
            } catch (DeviceProfileException e) {
                throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
            }
        }
        NativeConfig natives;
        try {
            natives = NativeConfig.forDevice(d.toString());
        } catch (NativeConfigException e) {
            throw new CliException(ExitCodes.NO_GPU, e.getMessage());
        }
        Calibration c = measure(natives);
        if (base == null) {
            base = matching(c, DeviceProfiles.standard());
        }
        String name = saveProfile != null ? saveProfile.getFileName().toString().replaceFirst("(?i)\\.yaml$", "")
                : base != null ? base.name() : slug(c.name());
        DeviceProfile calibrated = calibrated(base, c, name, LocalDate.now(ZoneOffset.UTC).toString(),
                dev.caffemem.BuildInfo.current().version());
        if (saveProfile != null) {
            try {
                DeviceProfiles.save(calibrated, saveProfile);
            } catch (DeviceProfileException e) {
                throw new CliException(ExitCodes.BAD_INPUT, e.getMessage());
            }
        }
        if (metrics.wanted()) {
            metrics.meters().recordCalibration(c, calibrated.name());
        }
        spec.commandLine().getOut().print(render(c, calibrated, output.format, output.bytes));
        spec.commandLine().getOut().flush();
        if (saveProfile != null) {
            spec.commandLine().getErr().println("caffemem calibrate: wrote " + saveProfile);
        }
        return ExitCodes.OK;
    }

    private Calibration measure(NativeConfig natives) {
        Path work;
        try {
            work = dev.caffemem.probe.Leftovers.tempDir("caffemem-calibrate-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ProbeRunner runner = new ProbeRunner(ProbeCommand.duration(timeout), false,
                    line -> spec.commandLine().getErr().println("caffemem calibrate: " + line), List.of())
                    .natives(natives);
            return runner.calibrate(work);
        } catch (ProbeException e) {
            throw new CliException(ProbeCommand.exitCode(e.kind()), e.getMessage());
        } finally {
            dev.caffemem.probe.Leftovers.removeTempDir(work);
        }
    }

    /**
     * The bundled profile of the board the calibration ran on: every model token with a digit in it (V100,
     * A100, 3090, ...) in the GPU's name, and the published capacity within 5% of what NVML reports.
     */
    static DeviceProfile matching(Calibration c, DeviceProfiles profiles) {
        List<DeviceProfile> hits = new ArrayList<>();
        String gpuName = c.name().toUpperCase(Locale.ROOT);
        for (String n : profiles.bundledNames()) {
            DeviceProfile p = profiles.get(n);
            boolean tokens = true;
            boolean any = false;
            String model = p.model().replaceAll("\\(.*\\)", "").toUpperCase(Locale.ROOT);
            for (String token : model.split("[\\s-]+")) {
                // board names (V100, A100, T4, 3090), not memory sizes (16, 80, 141)
                if (token.chars().anyMatch(Character::isDigit) && !token.matches("\\d{1,3}")) {
                    any = true;
                    tokens &= gpuName.contains(token);
                }
            }
            long cap = p.memory().capacityBytes();
            if (any && tokens && Math.abs(cap - (double) c.totalBytes()) <= 0.05 * cap) {
                hits.add(p);
            }
        }
        return hits.size() == 1 ? hits.get(0) : null;
    }

    /** The base profile (or a new one for an unknown board) with the calibration's figures and provenance. */
    static DeviceProfile calibrated(DeviceProfile base, Calibration c, String name, String date, String version) {
        Map<String, Long> workspaces = new LinkedHashMap<>(base != null ? base.overheads().cudnnWorkspaceBytes() : Map.of());
        workspaces.put("Convolution", c.largestConvWorkspace());
        DeviceProfile.Overheads o = new DeviceProfile.Overheads(true, c.contextBytes(), c.cublasHandleBytes(),
                c.curandGeneratorBytes(), c.cudnnHandleBytes(), c.allocationGranularityBytes(), workspaces);
        StringBuilder method = new StringBuilder("device growth (NVML per process, cudaMemGetInfo) around: a second "
                + "handle of each library; " + "16384 4-byte cudaMallocs; Caffe's cuDNN convolution built alone at "
                + "batch 32 (largest kept):");
        c.convWorkspaces().forEach((k, v) -> method.append(' ').append(k).append('=').append(v).append(';'));
        DeviceProfile.Provenance prov = new DeviceProfile.Provenance(true, date, c.driver(), c.cuda(), c.cudnn(),
                "1.0-1.5.8", "caffemem calibrate " + version + " on " + c.name() + " (gpu:" + c.index() + ")",
                method.toString());
        DeviceProfile.Memory memory = base != null
                ? new DeviceProfile.Memory(base.memory().type(), base.memory().capacityBytes(),
                Math.min(c.usableBytes(), base.memory().capacityBytes()))
                : new DeviceProfile.Memory(null, c.totalBytes(), Math.min(c.usableBytes(), c.totalBytes()));
        List<String> notes = new ArrayList<>(base != null ? base.notes() : List.of());
        notes.addAll(c.notes());
        if (base == null) {
            return new DeviceProfile(dev.caffemem.device.DeviceProfiles.SCHEMA, name, "NVIDIA", c.name(), List.of(),
                    null, null, memory, o, prov, notes);
        }
        return new DeviceProfile(base.schema(), name, base.vendor(), base.model(), base.formFactors(),
                base.architecture(), base.computeCapability(), memory, o, prov, notes);
    }

    private static String slug(String gpuName) {
        String s = gpuName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return s.isEmpty() ? "gpu" : s;
    }

    private static String render(Calibration c, DeviceProfile p, ReportFormat format, boolean exact) {
        if (format == ReportFormat.JSON) {
            try {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("calibration", c);
                out.put("profile", p);
                return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out) + "\n";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s (gpu:%d), driver %s, CUDA %s, cuDNN %s; %s usable of %s%n", c.name(),
                c.index(), c.driver(), c.cuda(), c.cudnn(), Units.bytes(c.usableBytes(), exact),
                Units.bytes(c.totalBytes(), exact)));
        sb.append(String.format(Locale.ROOT, "  CUDA context with modules  %s%n", Units.bytes(c.contextBytes(), exact)));
        sb.append(String.format(Locale.ROOT, "  cuBLAS handle              %s%n", Units.bytes(c.cublasHandleBytes(), exact)));
        sb.append(String.format(Locale.ROOT, "  cuRAND generator           %s%n", Units.bytes(c.curandGeneratorBytes(), exact)));
        sb.append(String.format(Locale.ROOT, "  cuDNN handle               %s%n", Units.bytes(c.cudnnHandleBytes(), exact)));
        sb.append(String.format(Locale.ROOT, "  cudaMalloc step            %s%n", Units.bytes(c.allocationGranularityBytes(), exact)));
        c.convWorkspaces().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  workspace %-36s %s%n", k,
                Units.bytes(v, exact))));
        c.notes().forEach(n -> sb.append("  note: ").append(n).append('\n'));
        sb.append("Profile ").append(p.name()).append(" (calibrated ").append(p.provenance().date()).append(")\n");
        return sb.toString();
    }
}
