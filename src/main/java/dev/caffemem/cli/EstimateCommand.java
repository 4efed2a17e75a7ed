package dev.caffemem.cli;

import dev.caffemem.device.Device;
import dev.caffemem.device.DeviceProfile;
import dev.caffemem.device.DeviceProfileException;
import dev.caffemem.device.DeviceProfiles;
import dev.caffemem.device.GpuSettingsFromProfile;
import dev.caffemem.device.NativeConfigException;
import dev.caffemem.device.UnknownProfileException;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.GpuSettings;
import dev.caffemem.model.Estimator;
import dev.caffemem.model.Mode;
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

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "cpu (default) or gpu: the bill of Caffe's CPU or GPU mode. gpu:N is accepted too "
                    + "(the index does not change an estimate).")
    String device;

    @Option(names = "--profile", paramLabel = "NAME|FILE",
            description = "Device profile of the GPU (a name in profiles/, e.g. v100-16gb, or a YAML file): its "
                    + "capacity and measured overheads. Implies --device gpu.")
    String profile;

    @Option(names = "--gpus", paramLabel = "N", defaultValue = "1",
            description = "GPUs of a data-parallel run (Caffe's NCCL training, a full replica per GPU): prints the "
                    + "per-GPU bill, the root's extras apart. Default: ${DEFAULT-VALUE}.")
    int gpus;

    @Spec
    CommandSpec spec;

    /** The GPU to estimate for, or null for CPU; every option problem is a usage error before any work. */
    private GpuSettings gpuSettings(Long available) {
        Device d;
        try {
            d = device == null ? (profile != null ? Device.gpu(0) : Device.CPU) : Device.parse(device);
        } catch (NativeConfigException ex) {
            throw new CliException(ExitCodes.USAGE, ex.getMessage());
        }
        if (gpus < 1) {
            throw new CliException(ExitCodes.USAGE, "--gpus " + gpus + ": at least 1");
        }
        boolean onGpu = d.kind() == Device.Kind.GPU || profile != null;
        if (!onGpu) {
            if (gpus != 1) {
                throw new CliException(ExitCodes.USAGE, "--gpus " + gpus + " needs --device gpu");
            }
            return null;
        }
        if (d.kind() == Device.Kind.CPU) {
            throw new CliException(ExitCodes.USAGE, "--profile " + profile + " is a GPU profile, but --device cpu was given");
        }
        if (net.phase == dev.caffemem.net.Phase.TEST && gpus > 1) {
            throw new CliException(ExitCodes.USAGE, "--gpus " + gpus + ": data-parallel runs are training runs (--phase TRAIN)");
        }
        if (profile == null) {
            if (available == null) {
                DeviceProfiles profiles = DeviceProfiles.standard();
                throw new CliException(ExitCodes.USAGE, "--device gpu needs --profile NAME (the GPU's capacity and "
                        + "overheads) or --memory SIZE (its capacity, every overhead assumed); profiles: "
                        + String.join(", ", profiles.names()));
            }
            return GpuSettings.assumedFor("gpu with " + Units.bytes(available, false), available).withGpus(gpus);
        }
        DeviceProfile p;
        try {
            p = DeviceProfiles.standard().resolve(profile);
        } catch (UnknownProfileException ex) {
            throw new CliException(ExitCodes.USAGE, "--profile: " + ex.getMessage());
        } catch (DeviceProfileException ex) {
            throw new CliException(ExitCodes.BAD_INPUT, ex.getMessage());
        }
        return GpuSettingsFromProfile.of(p, available, gpus);
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
        Estimate e = Estimator.estimate(NetLoader.request(net, Mode.CPU).onDevice(gpu));
        spec.commandLine().getOut().print(new EstimateRenderer(output.bytes).render(e, output.format));
        if (gpu != null) {
            // on a GPU the device's capacity is the limit, always known from the profile
            boolean fits = e.gpu().fits();
            spec.commandLine().getErr().printf("%s: %s of device memory needed on %s, %s available%n",
                    fits ? "fits" : "does NOT fit", Units.bytes(e.boundBytes(), output.bytes), gpu.name(),
                    Units.bytes(gpu.capacityBytes(), output.bytes));
            spec.commandLine().getOut().flush();
            return fits ? ExitCodes.OK : ExitCodes.DOES_NOT_FIT;
        }
        if (available != null) {
            boolean fits = e.totalBytes() <= available;
            spec.commandLine().getErr().printf("%s: %s needed, %s available%n", fits ? "fits" : "does NOT fit",
                    Units.bytes(e.totalBytes(), output.bytes), Units.bytes(available, output.bytes));
            spec.commandLine().getOut().flush();
            return fits ? ExitCodes.OK : ExitCodes.DOES_NOT_FIT;
        }
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
