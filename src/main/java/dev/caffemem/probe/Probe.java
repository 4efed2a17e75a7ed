package dev.caffemem.probe;

import dev.caffemem.fit.LinearFit;
import dev.caffemem.model.Component;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.model.Mode;
import dev.caffemem.model.SolverSettings;
import dev.caffemem.model.SolverType;
import dev.caffemem.net.DryRun;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.Schema;
import dev.caffemem.prototxt.TextFormat;
import dev.caffemem.shape.LayerKinds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    /** The linearity check: the worst residual may be this fraction of the largest point, or the floor. */
    private static final double LINEAR_TOLERANCE = 0.001;
    private static final long LINEAR_FLOOR_BYTES = 64 * 1024;

    /**
     * How to probe.
     *
     * @param points       the small batches to run
     * @param verify       also run the target batch when it fits, and report the extrapolation's error
     * @param withTestNet  let the solver build and run its test nets (else they are left out)
     * @param realData     run the data layers as they are (their sources must exist) instead of Input layers
     * @param memoryLimit  run each child in a memory cgroup of this many bytes, or null
     * @param isolatePoints one child JVM per point; otherwise one child runs every point, each on a fresh
     *                     thread with a fresh malloc arena, after one quiet period (a point that kills the
     *                     child loses nothing measured before it)
     */
    public record Settings(List<Integer> points, boolean verify, boolean withTestNet, boolean realData,
                           Duration timeout, boolean caffeLog, Long memoryLimit, boolean isolatePoints,
                           Consumer<String> progress) {
    }

    /** One batch ready to run: the rewritten net, the file Caffe reads, and the estimate of exactly that run. */
    private record Prepared(int batch, Message caffeFile, Estimate estimate) {
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

    private boolean onGpu() {
        return gpu != null;
    }

    public ProbeReport run() {
        int target = Estimator.estimate(request).batch();
        long available = onGpu() ? gpu.capacityBytes()
                : settings.memoryLimit() != null ? settings.memoryLimit() : Machine.availableBytes();
        List<String> notes = new ArrayList<>();
        List<Prepared> points = new ArrayList<>();
        for (int batch : settings.points().stream().distinct().sorted().toList()) {
            Prepared p = prepare(batch);
            if (p.estimate().boundBytes() > available) {
                notes.add(String.format(Locale.ROOT, "point %d skipped: its estimate (%d bytes) exceeds the %d bytes available",
                        batch, p.estimate().boundBytes(), available));
                continue;
            }
            points.add(p);
        }
        if (points.size() < 2) {
            throw new ProbeException(ProbeException.Kind.FAILED, "fewer than two probe points fit in the "
                    + available + " bytes available; choose smaller --points");
        }
        Prepared targetRun = prepare(target);
        boolean verifying = settings.verify();
        if (verifying && targetRun.estimate().boundBytes() > available) {
            notes.add(String.format(Locale.ROOT, "--verify skipped: the target batch's estimate (%d bytes) exceeds the"
                    + " %d bytes available", targetRun.estimate().boundBytes(), available));
            verifying = false;
        }
        List<Prepared> runs = new ArrayList<>(points);
        if (verifying) {
            runs.add(targetRun);
        }
        List<PointResult> results = settings.isolatePoints() ? runIsolated(runs, points.size()) : runTogether(runs, points.size());
        List<PointResult> measured = results.subList(0, points.size());
        PointResult verified = verifying ? results.get(points.size()) : null;
        return report(target, targetRun, points, measured, verified, notes);
    }

    /**
     * One batch run directly, as a user would run it: one child, one iteration (no second, timed one),
     * no fit. The baseline the probe is compared with in scripts/bench-probe.sh.
     */
    public PointResult measureOnce(int batch, boolean phaseTimes) {
        Prepared p = prepare(batch);
        Path work;
        try {
            work = Leftovers.tempDir("caffemem-probe-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path file = work.resolve(request.phase() == Phase.TRAIN ? "solver.prototxt" : "net.prototxt");
            Files.writeString(file, TextFormat.print(p.caffeFile()));
            ProbeRunner runner = new ProbeRunner(settings.timeout(), settings.caffeLog(), line ->
                    settings.progress().accept(String.format(Locale.ROOT, "batch %d: %s, %.1f s", batch,
                            line.replaceFirst("point=\\d+ phase=", ""), elapsed())), List.of(), settings.memoryLimit())
                    .natives(natives);
            return runner.run(List.of(new ProbeJob.Point(batch, request.phase().name(), request.solver().type().caffeName(),
                    file.toString(), phaseTimes && request.phase() == Phase.TRAIN)), 0, work).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Leftovers.removeTempDir(work);
        }
    }

    /** The rewritten net and the Caffe file for one batch, and the analytical estimate of that very run. */
    private Prepared prepare(int batch) {
        try {
            return prepareAt(batch);
        } catch (dev.caffemem.net.NetException e) {
            // e.g. blobs past INT_MAX at this batch: no measurement can stand for it
            throw e.during("at probe batch " + batch);
        }
    }

    private Prepared prepareAt(int batch) {
        Message net = rewrite(request.net(), batch);
        boolean train = request.phase() == Phase.TRAIN;
        Message caffeFile;
        SolverSettings solver;
        if (train) {
            caffeFile = solverFor(net, batch);
            solver = SolverSettings.of(caffeFile);
        } else {
            caffeFile = net.copy();
            caffeFile.mutableMessage("state").set("phase", "TEST");
            for (String stage : request.stages()) {
                caffeFile.mutableMessage("state").add("stage", stage);
            }
            solver = SolverSettings.assumedSgd();
        }
        // the worker keeps the SolverParameter it read (inline net_param) and the solver keeps its own copy;
        // for inference it keeps the NetParameter it read
        // shapes are in the rewritten net now; only the user's declared tops (unknown layer types) still count,
        // and with real data the input shapes of the data layers that read their first record
        ShapeOverrides declared = new ShapeOverrides(null, request.train().inputShapes(), request.train().declaredTops());
        Estimate e = Estimator.estimate(new EstimateRequest(net, request.phase(), Mode.CPU, solver, declared, declared,
                f -> null, request.stages(), train ? 2 : 1).onDevice(gpu));
        return new Prepared(batch, caffeFile, e);
    }

    /** Data layers to Input layers of the inferred shapes (or, with real data, only their batch), constant fillers. */
    private Message rewrite(Message net, int batch) {
        ShapeOverrides train = request.train().withBatch(batch);
        ShapeOverrides test = request.test();
        if (settings.realData()) {
            return DryRun.withBatch(net, batch, test.batch());
        }
        return DryRun.rewrite(net, state -> {
            ShapeOverrides o = state.phase() == Phase.TRAIN ? train : test;
            return NetGraph.build(NetSpec.of(net, state), new LayerKinds(o), o);
        }, true);
    }

    /** The user's solver (or plain SGD) around the rewritten net, made to run one iteration quietly. */
    private Message solverFor(Message net, int batch) {
        Message s = userSolver == null ? new Message(Schema.caffe().message("SolverParameter")) : userSolver.copy();
        for (String f : List.of("net", "net_param", "train_net", "train_net_param", "test_net", "test_net_param",
                "snapshot_prefix", "solver_type")) {
            s.clear(f);
        }
        s.set("net_param", net);
        s.set("type", request.solver().type().caffeName());
        if (userSolver == null) {
            s.set("base_lr", 0.01);
            s.set("lr_policy", "fixed");
            s.set("momentum", 0.9);
        }
        int tests = settings.withTestNet() ? request.solver().testNets().size() : 0;
        s.clear("test_iter");
        if (tests > 0) {
            for (int i = 0; i < tests; i++) {
                s.add("test_iter", 1L);
            }
            s.set("test_interval", 1L);
            s.set("test_initialization", true);
        } else {
            s.clear("test_state");
            s.clear("test_interval");
        }
        for (String stage : request.stages()) {
            s.mutableMessage("train_state").add("stage", stage);
        }
        s.set("display", 0L);
        s.set("snapshot", 0L);
        s.set("snapshot_after_train", false);
        s.set("max_iter", 1L);
        s.set("solver_mode", "CPU");
        return s;
    }

    private List<PointResult> runIsolated(List<Prepared> runs, int points) {
        List<PointResult> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Prepared p = runs.get(i);
            out.addAll(runChild(List.of(p), i, points, p.estimate().totalBytes() < QUIET_BELOW_BYTES));
        }
        return out;
    }

    private List<PointResult> runTogether(List<Prepared> runs, int points) {
        return runChild(runs, 0, points, true);
    }

    private static String label(int index, int points, int batch) {
        return index >= points ? "verify (batch " + batch + ")" : "point " + (index + 1) + "/" + points + " (batch " + batch + ")";
    }

    /** Runs prepared points, the first being overall number {@code first}, in one child. */
    private List<PointResult> runChild(List<Prepared> runs, int first, int points, boolean quiet) {
        Path work;
        try {
            work = Leftovers.tempDir("caffemem-probe-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            List<ProbeJob.Point> job = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                Prepared p = runs.get(i);
                Path file = work.resolve((request.phase() == Phase.TRAIN ? "solver-" : "net-") + i + ".prototxt");
                Files.writeString(file, TextFormat.print(p.caffeFile()));
                job.add(new ProbeJob.Point(p.batch(), request.phase().name(), request.solver().type().caffeName(),
                        file.toString(), request.phase() == Phase.TRAIN));
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

    private ProbeReport report(int target, Prepared targetRun, List<Prepared> prepared, List<PointResult> points,
                               PointResult verified, List<String> notes) {
        Estimate estimate = targetRun.estimate();
        int largest = points.stream().mapToInt(PointResult::batch).max().orElse(1);
        Map<Component, Long> est = estimate.breakdown().components();
        List<ProbeReport.Comparison> rows = new ArrayList<>();
        String[] blobComponents = {"activationData", "activationDiff", "paramData", "paramDiff", "solverState", "testNet"};
        Component[] modelComponents = {Component.ACTIVATION_DATA, Component.ACTIVATION_DIFF, Component.PARAM_DATA,
                Component.PARAM_DIFF, Component.SOLVER_STATE, Component.TEST_NET};
        long estimatedBlobs = 0;
        for (int i = 0; i < blobComponents.length; i++) {
            String name = blobComponents[i];
            long e = est.get(modelComponents[i]);
            if (modelComponents[i] == Component.SOLVER_STATE) {
                // the census sees history_ only; update_ and temp_ show in the allocator's count
                e = historyBytes(estimate);
            }
            if (modelComponents[i] == Component.TEST_NET) {
                e = testNetBlobBytes(estimate);
            }
            estimatedBlobs += e;
            rows.add(row(name, e, points, p -> p.components().get(name), verified, largest, target, notes));
        }
        List<Long> hiddenRounding = prepared.stream().map(p -> hiddenRounding(p.estimate())).toList();
        ProbeReport.Comparison total = allocatorRow(estimate.totalBytes(), points, hiddenRounding,
                hiddenRounding(estimate), verified, largest, target, notes);
        long extrapolatedBlobs = rows.stream().mapToLong(ProbeReport.Comparison::extrapolated).sum();
        long estimatedOther = estimate.totalBytes() - estimatedBlobs;
        Fitted other = fit(points, p -> p.allocatorBytes() - p.blobBytes(), largest);
        rows.add(new ProbeReport.Comparison("layerBuffersAndOverhead", estimatedOther, total.extrapolated() - extrapolatedBlobs,
                verified == null ? null : verified.allocatorBytes() - verified.blobBytes(), other.fit()));
        rows.add(total);
        if (onGpu()) {
            DeviceRows.add(gpu, estimate, points, verified, largest, target, rows, notes);
        }
        ProbeReport.Fit blobFit = fit(points, PointResult::blobBytes, largest).fit();
        ProbeReport.Fit rssFit = fit(points, PointResult::rssBytes, largest).fit();
        return new ProbeReport(estimate.netName(), request.phase().name(), estimate.solver(), target, points, rows,
                total.fit(), blobFit, rssFit, verified, notes, elapsed());
    }

    record Fitted(LinearFit line, ProbeReport.Fit fit) {
    }


    static Fitted fit(List<PointResult> points, java.util.function.ToLongFunction<PointResult> value, int largest) {
        LinearFit line = LinearFit.of(points.stream().map(p -> new LinearFit.Point(p.batch(), value.applyAsLong(p))).toList());
        return new Fitted(line, ProbeReport.Fit.of(line, line.linear(LINEAR_TOLERANCE, LINEAR_FLOOR_BYTES, largest)));
    }

    static ProbeReport.Comparison row(String name, long estimated, List<PointResult> points,
                                              java.util.function.ToLongFunction<PointResult> value, PointResult verified,
                                              int largest, int target, List<String> notes) {
        Fitted f = fit(points, value, largest);
        if (!f.fit().linear()) {
            notes.add(name + " is not linear in the batch over the probe points (worst residual "
                    + f.fit().residualBytes() + " bytes): its extrapolation is approximate");
        }
        return new ProbeReport.Comparison(name, estimated, f.line().at(target),
                verified == null ? null : value.applyAsLong(verified), f.fit());
    }

    /**
     * The allocator total at the target. glibc rounds a buffer of 128 KiB or more up to whole pages, so
     * the total has a kink wherever a per-sample buffer crosses that size between the points and the
     * target. That rounding is glibc's fixed rule applied to buffer sizes: each measured buffer's size is
     * fitted on its own (sizes are exactly linear) and rounded at the target; for the buffers the census
     * cannot see, the rounding (only) comes from the model's sizes; the rest, measured bytes of layer
     * buffers and objects, is fitted as one line.
     */
    private static ProbeReport.Comparison allocatorRow(long estimated, List<PointResult> points, List<Long> hiddenRounding,
                                                       long hiddenRoundingAtTarget, PointResult verified, int largest,
                                                       int target, List<String> notes) {
        Map<String, List<LinearFit.Point>> sizes = new java.util.LinkedHashMap<>();
        for (PointResult p : points) {
            for (PointResult.Buffer b : p.buffers()) {
                sizes.computeIfAbsent(b.key(), k -> new ArrayList<>()).add(new LinearFit.Point(p.batch(), b.bytes()));
            }
        }
        long roundedAtTarget = 0;
        for (List<LinearFit.Point> series : sizes.values()) {
            long size = series.size() >= 2 ? LinearFit.of(series).at(target) : series.get(0).bytes();
            roundedAtTarget += dev.caffemem.model.Bookkeeping.chunk(size);
        }
        Map<PointResult, Long> hidden = new java.util.IdentityHashMap<>();
        for (int i = 0; i < points.size(); i++) {
            hidden.put(points.get(i), hiddenRounding.get(i));
        }
        Fitted rest = fit(points, p -> p.allocatorBytes() - hidden.get(p) - p.buffers().stream()
                .mapToLong(b -> dev.caffemem.model.Bookkeeping.chunk(b.bytes())).sum(), largest);
        if (!rest.fit().linear()) {
            notes.add("the allocator total, less glibc's rounding of the measured buffers, is not linear over the probe"
                    + " points (worst residual " + rest.fit().residualBytes() + " bytes): its extrapolation is approximate");
        }
        Fitted whole = fit(points, PointResult::allocatorBytes, largest);
        return new ProbeReport.Comparison("total", estimated, roundedAtTarget + hiddenRoundingAtTarget + rest.line().at(target),
                verified == null ? null : verified.allocatorBytes(), whole.fit());
    }

    /**
     * glibc's rounding of the buffers the census cannot see (layer-internal buffers, the solver's
     * update_/temp_), from the model's sizes for them: only their rounding is taken from the model;
     * their bytes stay in the measured remainder that is fitted.
     */
    private static long hiddenRounding(Estimate e) {
        long rounding = 0;
        for (dev.caffemem.model.Buffer b : e.buffers()) {
            String k = b.key();
            if (!censused(k) && !k.endsWith("overhead")) {
                rounding += dev.caffemem.model.Bookkeeping.chunk(b.bytes()) - b.bytes();
            }
        }
        return rounding;
    }

    /** Whether the worker's census sees a buffer of this key (net blobs, params, solver history). */
    static boolean censused(String key) {
        return key.startsWith("blob/") || key.startsWith("param/") || key.startsWith("solver/history/")
                || key.matches("test\\d+/(blob|param)/.*");
    }

    private static long historyBytes(Estimate e) {
        return e.buffers().stream().filter(b -> b.component() == Component.SOLVER_STATE)
                .filter(b -> b.key().startsWith("solver/history/")).mapToLong(dev.caffemem.model.Buffer::bytes).sum();
    }

    /** The test nets' blob and param buffers (what the census sees of them). */
    private static long testNetBlobBytes(Estimate e) {
        return e.buffers().stream().filter(b -> b.component() == Component.TEST_NET)
                .filter(b -> b.key().matches("test\\d+/(blob|param)/.*")).mapToLong(dev.caffemem.model.Buffer::bytes).sum();
    }

    static SolverType type(Message solver) {
        return SolverSettings.of(solver).type();
    }
}
