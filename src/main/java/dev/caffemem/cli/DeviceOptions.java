package dev.caffemem.cli;

import dev.caffemem.device.Device;
import dev.caffemem.device.DeviceProfile;
import dev.caffemem.device.DeviceProfileException;
import dev.caffemem.device.DeviceProfiles;
import dev.caffemem.device.GpuSettingsFromProfile;
import dev.caffemem.device.NativeConfigException;
import dev.caffemem.device.UnknownProfileException;
import dev.caffemem.model.GpuSettings;
import dev.caffemem.report.Units;
import picocli.CommandLine.Option;

/** Which device a bill is for: the CPU, or a GPU described by a device profile. Shared by estimate and probe. */
public final class DeviceOptions {

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "cpu (default), gpu or gpu:N: Caffe's CPU or GPU mode. For probe, N picks the GPU "
                    + "(as nvidia-smi numbers them); an estimate does not depend on it.")
    String device;

    @Option(names = "--profile", paramLabel = "NAME|FILE",
            description = "Device profile of the GPU (a name in profiles/, e.g. v100-16gb, or a YAML file): its "
                    + "capacity and measured overheads. Implies --device gpu.")
    String profile;

    DeviceOptions copy() {
        DeviceOptions o = new DeviceOptions();
        o.device = device;
        o.profile = profile;
        return o;
    }

    /** The device asked for; a profile alone means GPU 0. */
    Device device() {
        try {
            Device d = device == null ? (profile != null ? Device.gpu(0) : Device.CPU) : Device.parse(device);
            if (d.kind() == Device.Kind.CPU && profile != null) {
                throw new CliException(ExitCodes.USAGE, "--profile " + profile
                        + " is a GPU profile, but --device cpu was given");
            }
            return d;
        } catch (NativeConfigException ex) {
            throw new CliException(ExitCodes.USAGE, ex.getMessage());
        }
    }

    boolean gpu() {
        return device().kind() == Device.Kind.GPU;
    }

    /**
     * The GPU's settings for the analytical model, or null on the CPU. Every problem is an error before
     * any work: an unknown profile is a usage error, a broken profile file is bad input.
     *
     * @param capacity device memory to plan against instead of the profile's (--memory), or null
     */
    GpuSettings gpuSettings(Long capacity, int gpus) {
        if (!gpu()) {
            return null;
        }
        if (profile == null) {
            if (capacity == null) {
                throw new CliException(ExitCodes.USAGE, "--device gpu needs --profile NAME (the GPU's capacity and "
                        + "overheads) or --memory SIZE (its capacity, every overhead assumed); profiles: "
                        + String.join(", ", DeviceProfiles.standard().names()));
            }
            return GpuSettings.assumedFor("gpu with " + Units.bytes(capacity, false), capacity).withGpus(gpus);
        }
        DeviceProfile p;
        try {
            p = DeviceProfiles.standard().resolve(profile);
        } catch (UnknownProfileException ex) {
            throw new CliException(ExitCodes.USAGE, "--profile: " + ex.getMessage());
        } catch (DeviceProfileException ex) {
            throw new CliException(ExitCodes.BAD_INPUT, ex.getMessage());
        }
        return GpuSettingsFromProfile.of(p, capacity, gpus);
    }
}
