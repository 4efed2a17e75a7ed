package dev.caffemem.probe;

import dev.caffemem.compare.PointResult;
import dev.caffemem.compare.ProbeComparison;
import dev.caffemem.compare.ProbeReport;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.net.Phase;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.TextFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs the user's own net in the real Caffe at a few small batches, each in a child JVM, fits
 * {@code fixed + perSample x batch} per component, and extrapolates to the target batch, next to the
 * analytical estimate of the same run. The parent never loads native code.
 */
public final class Probe {
    /** Points whose bill is below this measure after a quiet period: the JVM frees ~0.6 MB at ~5 s. */
    private static final long QUIET_BELOW_BYTES = 64L << 20;

    /**
     * How to probe.
     *
     * @param points       the small batches to run
     * @param verify       also run the target batch when it fits, and report the extrapolation's error
     * @param withTestNet  let the solver build and run its test nets (else they are left out)
     * @param withSnapshot write the snapshot after iteration 0, as the solver would at its interval or at the end
     * @param realData     run the data layers as they are (their sources must exist) instead of Input layers
     * @param memoryLimit  run each child in a memory cgroup of this many bytes, or null
     * @param isolatePoints one child JVM per point; otherwise one child runs every point, each on a fresh
     *                     thread with a fresh malloc arena, after one quiet period (a point that kills the
     *                     child loses nothing measured before it)
     */
    public record Settings(List<Integer> points, boolean verify, boolean withTestNet, boolean withSnapshot,
                           boolean realData, Duration timeout, boolean caffeLog, Long memoryLimit,
                           boolean isolatePoints, Consumer<String> progress) {
    }

    private final EstimateRequest request;
    private final Message userSolver;
    private final Settings settings;
    private final long started = System.nanoTime();
    private dev.caffemem.device.NativeConfig natives;
    private dev.caffemem.model.GpuSettings gpu;

    public Probe(EstimateRequest request, Message userSolver, Settings settings) {
        this.request = request;
        this.userSolver = userSolver;
        this.settings = settings;
    }

    /**
     * Probes on a GPU: the child runs Caffe's GPU build in GPU mode with {@code natives}, and every estimate
     * is a GPU estimate with {@code settings} (a profile's overheads, or assumed ones), compared on device
     * memory.
     */
    public Probe onGpu(dev.caffemem.device.NativeConfig natives, dev.caffemem.model.GpuSettings settings) {
        this.natives = natives;
        this.gpu = settings;
        return this;
    }

    private ProbePlan plan() {
        return new ProbePlan(request, userSolver, settings.realData(), settings.withTestNet(), settings.withSnapshot(),
                gpu);
    }

    /** The solver with its snapshots going into the probe's own temporary directory (removed afterwards). */
    private Message inWorkDir(Message caffeFile, Path work, int point) {
        if (!snapshots()) {
            return caffeFile;
        }
        Message s = caffeFile.copy();
        s.set("snapshot_prefix", work.resolve("snapshot-" + point).toString());
        return s;
    }

    /**
     * What a point's run needs on top of its child: its peak over the process's own baseline (the child is a
     * JVM, not a caffe process), or on a GPU the device's bill.
     */
    private long need(dev.caffemem.model.Estimate e) {
        return onGpu() ? e.boundBytes() : e.peak().overBaselineBytes();
    }

    /** Whether the points write a snapshot (training only). */
    private boolean snapshots() {
        return settings.withSnapshot() && request.phase() == Phase.TRAIN;
    }

    private boolean onGpu() {
        return gpu != null;
    }

    public ProbeReport run() {
        int target = Estimator.estimate(request).batch();
        long available = onGpu() ? gpu.capacityBytes()
                : settings.memoryLimit() != null ? settings.memoryLimit() : Machine.availableBytes();
        List<String> notes = new ArrayList<>();
        List<ProbePlan.Prepared> points = new ArrayList<>();
        for (int batch : settings.points().stream().distinct().sorted().toList()) {
            ProbePlan.Prepared p = plan().prepare(batch);
            if (need(p.estimate()) > available) {
                notes.add(String.format(Locale.ROOT, "point %d skipped: its estimate (%d bytes) exceeds the %d bytes available",
                        batch, need(p.estimate()), available));
                continue;
            }
            points.add(p);
        }
        if (points.size() < 2) {
            throw new ProbeException(ProbeException.Kind.FAILED, "fewer than two probe points fit in the "
                    + available + " bytes available; choose smaller --points");
        }
        ProbePlan.Prepared targetRun = plan().prepare(target);
        boolean verifying = settings.verify();
        if (verifying && need(targetRun.estimate()) > available) {
            notes.add(String.format(Locale.ROOT, "--verify skipped: the target batch's estimate (%d bytes) exceeds the"
                    + " %d bytes available", need(targetRun.estimate()), available));
            verifying = false;
        }
        List<ProbePlan.Prepared> runs = new ArrayList<>(points);
        if (verifying) {
            runs.add(targetRun);
        }
        List<PointResult> results = settings.isolatePoints() ? runIsolated(runs, points.size()) : runTogether(runs, points.size());
        List<PointResult> measured = results.subList(0, points.size());
        PointResult verified = verifying ? results.get(points.size()) : null;
        ProbeComparison.Input input = new ProbeComparison.Input(targetRun.estimate().netName(), request.phase(),
                onGpu() ? natives.device().toString() : "cpu", target, targetRun.estimate(),
                points.stream().map(ProbePlan.Prepared::estimate).toList(), measured, verified, gpu);
        return ProbeComparison.report(input, notes, elapsed());
    }

    /**
     * One batch run directly, as a user would run it: one child, one iteration (no second, timed one),
     * no fit. The baseline the probe is compared with in scripts/bench-probe.sh.
     */
    public PointResult measureOnce(int batch, boolean phaseTimes) {
        ProbePlan.Prepared p = plan().prepare(batch);
        Path work;
        try {
            work = Leftovers.tempDir("caffemem-probe-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path file = work.resolve(request.phase() == Phase.TRAIN ? "solver.prototxt" : "net.prototxt");
            Files.writeString(file, TextFormat.print(inWorkDir(p.caffeFile(), work, 0)));
            ProbeRunner runner = new ProbeRunner(settings.timeout(), settings.caffeLog(), line ->
                    settings.progress().accept(String.format(Locale.ROOT, "batch %d: %s, %.1f s", batch,
                            line.replaceFirst("point=\\d+ phase=", ""), elapsed())), List.of(), settings.memoryLimit())
                    .natives(natives);
            return runner.run(List.of(new ProbeJob.Point(batch, request.phase().name(), request.solver().type().caffeName(),
                    file.toString(), phaseTimes && request.phase() == Phase.TRAIN, snapshots())), 0, work).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Leftovers.removeTempDir(work);
        }
    }

    private List<PointResult> runIsolated(List<ProbePlan.Prepared> runs, int points) {
        List<PointResult> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            ProbePlan.Prepared p = runs.get(i);
            out.addAll(runChild(List.of(p), i, points, p.estimate().totalBytes() < QUIET_BELOW_BYTES));
        }
        return out;
    }

    private List<PointResult> runTogether(List<ProbePlan.Prepared> runs, int points) {
        return runChild(runs, 0, points, true);
    }

    private static String label(int index, int points, int batch) {
        return index >= points ? "verify (batch " + batch + ")" : "point " + (index + 1) + "/" + points + " (batch " + batch + ")";
    }

    /** Runs prepared points, the first being overall number {@code first}, in one child. */
    private List<PointResult> runChild(List<ProbePlan.Prepared> runs, int first, int points, boolean quiet) {
        Path work;
        try {
            work = Leftovers.tempDir("caffemem-probe-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<ProbeJob.Point> job = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                ProbePlan.Prepared p = runs.get(i);
                Path file = work.resolve((request.phase() == Phase.TRAIN ? "solver-" : "net-") + i + ".prototxt");
                Files.writeString(file, TextFormat.print(inWorkDir(p.caffeFile(), work, i)));
                job.add(new ProbeJob.Point(p.batch(), request.phase().name(), request.solver().type().caffeName(),
                        file.toString(), request.phase() == Phase.TRAIN, snapshots()));
            }
            ProbeRunner runner = new ProbeRunner(settings.timeout(), settings.caffeLog(), line -> {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("point=(\\d+) phase=(.*)").matcher(line);
                if (m.matches()) {
                    int k = Integer.parseInt(m.group(1));
                    String who = k == 0 ? "child" : label(first + k - 1, points, runs.get(k - 1).batch());
                    settings.progress().accept(String.format(Locale.ROOT, "%s: %s, %.1f s", who, m.group(2), elapsed()));
                }
            }, List.of(), settings.memoryLimit()).natives(natives);
            try {
                return runner.run(job, quiet ? 5500 : 0, work);
            } catch (ProbeException e) {
                if (e.kind() == ProbeException.Kind.NO_GPU) {
                    throw e; // the child's setup, not a point
                }
                int done = runner.completed().size();
                String which = done < runs.size() ? label(first + done, points, runs.get(done).batch()) + ": " : "";
                throw new ProbeException(e.kind(), which + e.getMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Leftovers.removeTempDir(work);
        }
    }

    private double elapsed() {
        return (System.nanoTime() - started) / 1e9;
    }

}
