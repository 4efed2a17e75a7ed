package dev.caffemem.cli;

import dev.caffemem.probe.Probe;
import dev.caffemem.report.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** How to probe: the points, the checks, and the child's limits. Shared by probe and serve. */
public final class ProbeOptions {

    @Option(names = "--points", paramLabel = "B1,B2,...", split = ",", defaultValue = "1,2,4",
            description = "Small batches to run (at least two). Default: ${DEFAULT-VALUE}.")
    List<Integer> points;

    @Option(names = "--verify", description = "Also run the target batch for real, if it fits, and report the extrapolation's error.")
    boolean verify;

    @Option(names = "--with-test-net", description = "Build and run the solver's test nets too (they cost memory in training).")
    boolean withTestNet;

    @Option(names = "--with-snapshot", description = "Write the snapshot at each point after iteration 0 (in the "
            + "solver's format, into the probe's temporary directory, removed afterwards), so that the snapshot's "
            + "peak is measured too.")
    boolean withSnapshot;

    @Option(names = "--real-data", description = "Run the data layers as they are (their sources must exist), so that "
            + "prefetch buffers are measured rather than modelled.")
    boolean realData;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "Longest a child may run, e.g. 90s, 10m. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = "--memory-limit", paramLabel = "SIZE",
            description = "Run each child in a memory cgroup of this size (e.g. the target machine's RAM): a point that "
                    + "would not fit there is killed like it would be there. Needs a writable cgroup hierarchy.")
    String memoryLimit;

    @Option(names = "--caffe-log", description = "Show Caffe's own log (glog) on stderr.")
    boolean caffeLog;

    @picocli.CommandLine.Mixin
    DeviceOptions deviceOptions = new DeviceOptions();

    @Option(names = "--isolate-points", description = "One child JVM per point (slower: each starts Java and Caffe anew). "
            + "By default one child runs every point, each on a fresh thread with a fresh malloc arena.")
    boolean isolatePoints;

    /** The same options with other points (an agent's request). */
    ProbeOptions withPoints(List<Integer> other) {
        ProbeOptions o = new ProbeOptions();
        o.points = new ArrayList<>(other);
        o.verify = verify;
        o.withTestNet = withTestNet;
        o.withSnapshot = withSnapshot;
        o.realData = realData;
        o.timeout = timeout;
        o.memoryLimit = memoryLimit;
        o.caffeLog = caffeLog;
        o.isolatePoints = isolatePoints;
        o.deviceOptions = deviceOptions.copy();
        return o;
    }

    ProbeOptions withVerify(boolean v) {
        ProbeOptions o = withPoints(points);
        o.verify = v;
        return o;
    }

    /** --memory-limit in bytes, or null. */
    Long memoryLimitBytes() {
        if (memoryLimit == null) {
            return null;
        }
        try {
            return Units.parse(memoryLimit);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--memory-limit: " + e.getMessage());
        }
    }

    /** Checks every option, so that a mistake is a usage error before anything runs. */
    void validate() {
        for (int p : points) {
            if (p < 1) {
                throw new CliException(ExitCodes.USAGE, "--points " + p + ": every point must be at least 1");
            }
        }
        if (points.stream().distinct().count() < 2) {
            throw new CliException(ExitCodes.USAGE, "--points needs at least two different batches");
        }
        ProbeCommand.duration(timeout);
        memoryLimitBytes();
        deviceOptions.device();
        // the profile too: serve would otherwise start, and fail every probe it is asked for
        gpuSettings();
    }

    /**
     * The GPU's settings for the estimates next to the measurements: the profile's, or, without one, every
     * overhead assumed and no capacity to skip points by (the GPU itself will say what does not fit).
     */
    dev.caffemem.model.GpuSettings gpuSettings() {
        if (!deviceOptions.gpu()) {
            return null;
        }
        if (deviceOptions.profile == null) {
            return dev.caffemem.model.GpuSettings.assumedFor(deviceOptions.device() + " (no profile)", Long.MAX_VALUE / 4);
        }
        return deviceOptions.gpuSettings(null, 1);
    }

    /** The probe child's natives for the device; a GPU this jar cannot drive is an error before anything runs. */
    dev.caffemem.device.NativeConfig natives() {
        try {
            return dev.caffemem.device.NativeConfig.forDevice(deviceOptions.device().toString());
        } catch (dev.caffemem.device.NativeConfigException e) {
            throw new CliException(ExitCodes.NO_GPU, e.getMessage());
        }
    }

    Probe.Settings settings(Consumer<String> progress) {
        return new Probe.Settings(points, verify, withTestNet, withSnapshot, realData, ProbeCommand.duration(timeout),
                caffeLog,
                memoryLimitBytes(), isolatePoints, progress);
    }
}
