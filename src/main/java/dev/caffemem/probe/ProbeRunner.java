package dev.caffemem.probe;

import dev.caffemem.compare.PointResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs probe points in a child JVM that loads Caffe, and turns however the child ends into either
 * results or a one-line {@link ProbeException}. The parent never loads native code. Points the child
 * measured before it died are still returned through {@link #completed()}.
 */
public final class ProbeRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** glibc's default initial M_MMAP_THRESHOLD (128 KiB), pinned in the child. */
    public static final long MMAP_THRESHOLD = 128 * 1024;
    /** Named as a string so that the parent never loads (or verifies) a class that links to Caffe. */
    private static final String WORKER_CLASS = "dev.caffemem.probe.ProbeWorker";

    private final Duration timeout;
    private final boolean caffeLog;
    private final Consumer<String> progress;
    private final List<String> extraJvmArgs;
    private final Long memoryLimit;
    private final List<PointResult> completed = new ArrayList<>();
    private dev.caffemem.device.NativeConfig natives;
    /** The running child's cgroup, or null; the machine's OOM kill count when it started. */
    private MemoryCage cage;
    private long oomKillsBefore;

    /**
     * @param timeout      how long the child may run in all
     * @param caffeLog     echo Caffe's own log to stderr
     * @param progress     receives "point=N phase=P" lines while the child runs
     * @param extraJvmArgs e.g. -Xmx for the child, or -XX flags for experiments
     */
    public ProbeRunner(Duration timeout, boolean caffeLog, Consumer<String> progress, List<String> extraJvmArgs) {
        this(timeout, caffeLog, progress, extraJvmArgs, null);
    }

    /** @param memoryLimit bytes: run each child in a memory cgroup of this size (see {@link MemoryCage}), or null */
    public ProbeRunner(Duration timeout, boolean caffeLog, Consumer<String> progress, List<String> extraJvmArgs,
                       Long memoryLimit) {
        this.timeout = timeout;
        this.caffeLog = caffeLog;
        this.progress = progress;
        this.extraJvmArgs = List.copyOf(extraJvmArgs);
        this.memoryLimit = memoryLimit;
    }

    /**
     * Runs the child with the natives of a device ({@code --device gpu:N}: Caffe's GPU build, CUDA's
     * environment, and Caffe's GPU mode on that device). Without it the child runs the CPU build.
     */
    public ProbeRunner natives(dev.caffemem.device.NativeConfig config) {
        this.natives = config;
        return this;
    }

    private Integer gpuIndex() {
        return natives != null && natives.device().kind() == dev.caffemem.device.Device.Kind.GPU
                ? natives.device().index() : null;
    }

    /** The command that starts a worker for a job file: this JVM's java, this classpath, quiet settings. */
    List<String> command(Path jobFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xint");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xss1m");
        cmd.add("-Xmx256m");
        cmd.add("-Dorg.bytedeco.javacpp.platform.extension=");
        cmd.add("-Dorg.bytedeco.javacpp.nopointergc=true");
        cmd.add("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        cmd.add("-Dorg.bytedeco.javacpp.maxBytes=0");
        if (natives != null) {
            // later -D options win: the device's variant replaces the CPU default above
            cmd.addAll(natives.jvmArgs());
        }
        cmd.addAll(extraJvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(WORKER_CLASS);
        cmd.add(jobFile.toString());
        return cmd;
    }

    public List<PointResult> completed() {
        return List.copyOf(completed);
    }

    /**
     * Runs the points in one child, in order.
     *
     * @param work a private directory for the job and result files; the caller removes it
     */
    public List<PointResult> run(List<ProbeJob.Point> points, long quietUptimeMillis, Path work) {
        completed.clear();
        Path jobFile = work.resolve("job.json");
        Path out = work.resolve("results.jsonl");
        try {
            JSON.writeValue(jobFile.toFile(), new ProbeJob(points, quietUptimeMillis, out.toString(), gpuIndex(), false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cage = memoryLimit == null ? null
                : MemoryCage.create(memoryLimit, "caffemem-" + ProcessHandle.current().pid() + "-" + work.getFileName());
        try {
            return runChild(cage == null ? command(jobFile) : cage.wrap(command(jobFile)), points, out);
        } finally {
            if (cage != null) {
                cage.close();
                cage = null;
            }
        }
    }

    /**
     * Measures the GPU's overheads in a child (see {@link CalibrationWorker}); needs {@link #natives} for a GPU.
     *
     * @param work a private directory for the job and result files; the caller removes it
     */
    public Calibration calibrate(Path work) {
        if (gpuIndex() == null) {
            throw new IllegalStateException("calibration needs a GPU device");
        }
        Path jobFile = work.resolve("job.json");
        Path out = work.resolve("calibration.json");
        try {
            JSON.writeValue(jobFile.toFile(), new ProbeJob(List.of(), 0, out.toString(), gpuIndex(), true));
            runChild(command(jobFile), List.of(), out);
            return JSON.readValue(out.toFile(), Calibration.class);
        } catch (IOException e) {
            throw new ProbeException(ProbeException.Kind.FAILED, "the calibration child wrote no result: " + e.getMessage());
        }
    }

    private List<PointResult> runChild(List<String> command, List<ProbeJob.Point> points, Path out) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().putIfAbsent("GLOG_minloglevel", "0");
        // A fixed mmap threshold turns off glibc's dynamic one, so that which buffers are mmapped (and
        // rounded to pages) does not depend on what the JVM freed before: the model assumes this value.
        pb.environment().put("MALLOC_MMAP_THRESHOLD_", Long.toString(MMAP_THRESHOLD));
        // Freed chunks parked in glibc's per-thread cache still count as in use for mallinfo2;
        // without the cache, a transient that Caffe frees no longer shows up as noise in a reading.
        // Each point runs on a fresh thread with a fresh arena (see ProbeWorker): allow that many arenas.
        pb.environment().put("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0:glibc.malloc.arena_max=1048576");
        if (natives != null) {
            natives.applyTo(pb.environment());
        }
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        ChildLog log = new ChildLog(progress, caffeLog ? System.err::println : null);
        Process child;
        oomKillsBefore = Machine.oomKills();
        try {
            child = Leftovers.start(pb);
        } catch (IOException e) {
            throw new ProbeException(ProbeException.Kind.FAILED, "cannot start the probe child: " + e.getMessage());
        }
        try {
            return waitFor(child, log, points, out);
        } finally {
            Leftovers.ended(child);
        }
    }

    private List<PointResult> waitFor(Process child, ChildLog log, List<ProbeJob.Point> points, Path out) {
        Thread reader = new Thread(() -> pump(child, log), "probe-stderr");
        reader.setDaemon(true);
        reader.start();
        int exit;
        try {
            if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                child.descendants().forEach(ProcessHandle::destroyForcibly);
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
                readResults(out);
                throw new ProbeException(ProbeException.Kind.TIMEOUT, "the probe child ran past the "
                        + timeout.toSeconds() + " s timeout and was stopped (" + completed.size() + " of "
                        + points.size() + " points measured)");
            }
            exit = child.exitValue();
            reader.join(5000);
        } catch (InterruptedException e) {
            child.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ProbeException(ProbeException.Kind.FAILED, "interrupted while waiting for the probe child");
        }
        readResults(out);
        if (exit != 0 && Leftovers.stopping()) {
            // this process was told to stop and its shutdown hook killed the child: not the child's failure
            throw new ProbeException(ProbeException.Kind.FAILED, "stopped by SIGTERM or SIGINT; the probe child was "
                    + "killed and its files removed");
        }
        if (exit != 0) {
            throw failure(exit, log, points.size());
        }
        return completed();
    }

    /**
     * Who sent the SIGKILL, as far as the kernel's counters tell: the cgroup's own OOM kills, else the
     * machine's (which other processes' kills raise too, hence "most likely"), else not the OOM killer.
     */
    private String killer() {
        if (cage != null && cage.oomKills() > 0) {
            return "SIGKILL from the kernel's OOM killer: it needed more than the --memory-limit of " + memoryLimit + " bytes";
        }
        long after = Machine.oomKills();
        if (oomKillsBefore < 0 || after < 0) {
            return "SIGKILL (the kernel's OOM killer, or a kill -9)";
        }
        return after > oomKillsBefore ? "SIGKILL, most likely the kernel's OOM killer (the machine's OOM kill count rose)"
                : "SIGKILL, not from the kernel's OOM killer (the machine's OOM kill count did not change): something "
                        + "outside caffemem killed it";
    }

    private static void pump(Process child, ChildLog log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                log.line(line);
            }
        } catch (IOException e) {
            // the child is gone; what was read is what there is
        }
    }

    private void readResults(Path out) {
        completed.clear();
        if (!Files.exists(out)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    completed.add(JSON.readValue(line, PointResult.class));
                }
            }
        } catch (IOException e) {
            // a line cut short by a dying child: keep the complete ones
        }
    }

    private ProbeException failure(int exit, ChildLog log, int total) {
        String progressNote = " (" + completed.size() + " of " + total + " points measured)";
        String layer = log.where();
        if (log.noGpu().isPresent()) {
            return new ProbeException(ProbeException.Kind.NO_GPU, "no usable GPU: " + log.noGpu().get());
        }
        if (exit == 134 || log.fatalLine().isPresent()) {
            String why = log.fatalLine().orElse("abort() without a glog message");
            return new ProbeException(ProbeException.Kind.CAFFE_ABORTED, "Caffe aborted" + layer + ": " + why + progressNote);
        }
        if (exit > 128) {
            int signal = exit - 128;
            String name = signal == 9 ? killer() : "signal " + signal;
            return new ProbeException(ProbeException.Kind.KILLED, "the probe child was killed by " + name + layer + progressNote);
        }
        String java = log.javaError().orElse("exit code " + exit);
        return new ProbeException(ProbeException.Kind.FAILED, "the probe child failed: " + java + progressNote);
    }
}
