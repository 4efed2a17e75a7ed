package dev.caffemem.caffetool;

import dev.caffemem.probe.MemoryCage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the real {@code caffe} command as a child and records its life: glog's lines with their times
 * (GLOG_logtostderr=1), per-phase RSS high-waters from the kernel (VmHWM reset at each phase's opening
 * line), and RssAnon/RssFile sampled every millisecond or so. Optionally inside a memory cgroup of a
 * given size, where the kernel's OOM killer ends it as it would on a machine of that size.
 */
public final class CaffeRun {
    private static final AtomicInteger CAGES = new AtomicInteger();

    private final List<String> command;
    private Path workDir = Path.of(".");
    private final Map<String, String> env = new HashMap<>();
    private PhaseMarkers markers = PhaseMarkers.events();
    private boolean resetPeaks = true;
    private boolean usrBinTime;
    private long memoryLimitBytes;
    private long sampleNanos = 1_000_000;
    private Duration timeout = Duration.ofMinutes(20);

    private CaffeRun(List<String> command) {
        this.command = List.copyOf(command);
        env.put("GLOG_logtostderr", "1");
    }

    /** {@code caffe train --solver=S}. */
    public static CaffeRun train(CaffeTool tool, Path solver) {
        return new CaffeRun(List.of(tool.caffe().toString(), "train", "--solver=" + solver));
    }

    /** {@code caffe test --model=M --weights=W --iterations=K}. */
    public static CaffeRun test(CaffeTool tool, Path model, Path weights, int iterations) {
        return new CaffeRun(List.of(tool.caffe().toString(), "test", "--model=" + model, "--weights=" + weights,
                "--iterations=" + iterations));
    }

    /** Any command whose output is glog's (e.g. convert_imageset). */
    public static CaffeRun of(List<String> command) {
        return new CaffeRun(command);
    }

    /** Where the command runs (relative paths in the prototxt resolve from here). */
    public CaffeRun in(Path dir) {
        this.workDir = dir;
        return this;
    }

    public CaffeRun env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public CaffeRun markers(PhaseMarkers m) {
        this.markers = m;
        return this;
    }

    /** false: never reset VmHWM, so every phase's high-water is the process's so far (as /usr/bin/time sees it). */
    public CaffeRun resetPeaks(boolean reset) {
        this.resetPeaks = reset;
        return this;
    }

    /** Runs it under {@code /usr/bin/time -f %M}, whose maximum resident set size lands in the record. */
    public CaffeRun underUsrBinTime() {
        this.usrBinTime = true;
        return this;
    }

    /** Runs it in a new memory cgroup with this hard limit (no swap): the kernel OOM-kills it beyond. */
    public CaffeRun memoryLimit(long bytes) {
        this.memoryLimitBytes = bytes;
        return this;
    }

    public CaffeRun sampleEvery(Duration d) {
        this.sampleNanos = d.toNanos();
        return this;
    }

    public CaffeRun timeout(Duration d) {
        this.timeout = d;
        return this;
    }

    /** Runs it to the end (or to the timeout, then kills it) and returns what was recorded. */
    public RunRecord run() {
        Path timeFile = null;
        MemoryCage cage = null;
        try {
            List<String> cmd = new ArrayList<>(command);
            if (usrBinTime) {
                timeFile = Files.createTempFile("caffe-time", ".txt");
                cmd.addAll(0, List.of("/usr/bin/time", "-f", "%M", "-o", timeFile.toString()));
            }
            if (memoryLimitBytes > 0) {
                cage = MemoryCage.create(memoryLimitBytes, "caffe-run-" + ProcessHandle.current().pid() + "-"
                        + CAGES.incrementAndGet());
                cmd = cage.wrap(cmd);
            }
            RunRecord r = watch(cmd, timeFile);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        } finally {
            if (cage != null) {
                cage.close();
            }
            if (timeFile != null) {
                try {
                    Files.deleteIfExists(timeFile);
                } catch (IOException ignored) {
                    // a temporary file; nothing depends on it
                }
            }
        }
    }

    private RunRecord watch(List<String> cmd, Path timeFile) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        warmUp();
        long t0 = System.nanoTime();
        Process p = pb.start();
        long pid = usrBinTime ? ChildPid.await(p) : p.pid();
        Recorder rec = new Recorder(pid, t0, resetPeaks);
        List<LogLine> lines = new ArrayList<>();
        Thread sampler = new Thread(() -> {
            while (p.isAlive() && rec.sample()) {
                LockSupport.parkNanos(sampleNanos);
            }
        }, "caffe-run-sampler");
        sampler.setDaemon(true);
        sampler.start();
        Thread reader = new Thread(() -> readLines(p, rec, lines), "caffe-run-stderr");
        reader.setDaemon(true);
        reader.start();
        boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
        long duration = System.nanoTime() - t0;
        reader.join(5000);
        sampler.join(5000);
        rec.finish();
        int exit = p.exitValue();
        OptionalLong timeRss = timeFile == null ? OptionalLong.empty() : UsrBinTime.maxRssBytes(timeFile);
        OptionalInt signal = exit > 128 && exit < 128 + 65 ? OptionalInt.of(exit - 128) : OptionalInt.empty();
        synchronized (lines) {
            return new RunRecord(cmd, List.copyOf(lines), rec.phases(), exit, signal, !finished,
                    rec.anonHighWaterBytes(), rec.fileAtAnonHighWaterBytes(), rec.maxFileBytes(), rec.maxThreads(),
                    rec.series(), duration, timeRss);
        }
    }

    /** Loads and compiles what a boundary runs, so that the first ones are not late by a class load (~50 ms). */
    private static void warmUp() {
        PhaseMarkers m = PhaseMarkers.eventsAndLayers();
        m.opens("I0101 00:00:00.000000 1 solver.cpp:1] Creating training net from net file: x");
        m.opens("I0101 00:00:00.000000 1 net.cpp:1] Creating Layer x");
        LogLine.nowMicrosOfDay();
        new LogLine(0, 0, "I0101 00:00:00.000000 1 x.cpp:1] x", true).lagMicros();
        ProcStatus.read(ProcessHandle.current().pid());
    }

    private void readLines(Process p, Recorder rec, List<LogLine> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                long t = rec.now();
                Optional<String> next = markers.opens(line);
                next.ifPresent(rec::boundary);
                LogLine l = new LogLine(t, LogLine.nowMicrosOfDay(), line, next.isPresent());
                synchronized (lines) {
                    lines.add(l);
                }
            }
        } catch (IOException e) {
            // the child's stderr closed under us as it died; what was read is kept
        }
    }
}
