package dev.caffemem.probe;

import dev.caffemem.compare.PointResult;
import dev.caffemem.memory.Timeline;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.caffe.Caffe;
import org.bytedeco.caffe.FloatAdaDeltaSolver;
import org.bytedeco.caffe.FloatAdaGradSolver;
import org.bytedeco.caffe.FloatAdamSolver;
import org.bytedeco.caffe.FloatBlob;
import org.bytedeco.caffe.FloatBlobSharedVector;
import org.bytedeco.caffe.FloatBlobVector;
import org.bytedeco.caffe.FloatBlobVectorVector;
import org.bytedeco.caffe.FloatNesterovSolver;
import org.bytedeco.caffe.FloatNet;
import org.bytedeco.caffe.FloatNetSharedVector;
import org.bytedeco.caffe.FloatRMSPropSolver;
import org.bytedeco.caffe.FloatSGDSolver;
import org.bytedeco.caffe.NetParameter;
import org.bytedeco.caffe.SolverParameter;
import org.bytedeco.caffe.StringVector;
import org.bytedeco.caffe.SyncedMemory;
import org.bytedeco.caffe.global.caffe;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;

/**
 * The child-process side of a probe: loads Caffe, and for each point builds the real net (or solver),
 * runs one real iteration, and records what Caffe allocated. One JSON line per point is appended to
 * the output file as soon as it is measured, so a later abort loses nothing already measured.
 * Progress lines go to stderr as {@code @progress point=N phase=...}.
 *
 * <p>Run only in a child JVM: Caffe aborts the process on a bad net.
 */
public final class ProbeWorker {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProbeWorker() {
    }

    /** The GPU meter on a GPU run (opened before any CUDA context exists), else null. */
    private static GpuMeter gpu;
    private static int gpuIndex;

    public static void main(String[] args) throws Exception {
        ProbeJob job = JSON.readValue(Path.of(args[0]).toFile(), ProbeJob.class);
        long t0 = System.nanoTime();
        progress(0, "load");
        if (job.gpu() != null) {
            gpuIndex = job.gpu();
            try {
                gpu = GpuMeter.open(gpuIndex);
            } catch (GpuUnavailableException e) {
                noGpu(e.getMessage());
            }
            if (job.calibrate()) {
                silenceGlogUnlessAsked();
                try {
                    Calibration c = CalibrationWorker.run(gpu, Path.of(job.output()).getParent());
                    JSON.writeValue(Path.of(job.output()).toFile(), c);
                } catch (GpuUnavailableException e) {
                    noGpu(e.getMessage());
                } catch (UnsatisfiedLinkError e) {
                    noGpu("the CUDA libraries (cuBLAS, cuRAND, cuDNN 8) or Caffe's GPU build could not be loaded: "
                            + e.getMessage());
                }
                return;
            }
        }
        silenceGlogUnlessAsked();
        try {
            Loader.load(caffe.class);
        } catch (UnsatisfiedLinkError e) {
            if (gpu == null) {
                throw e;
            }
            noGpu("Caffe's GPU build could not be loaded (CUDA 11.8, cuBLAS, cuRAND and cuDNN 8 libraries must be "
                    + "on the loader's path): " + e.getMessage());
        }
        enterMode();
        GlibcMalloc.inUseBytes();
        progress(0, "warm-up");
        warmUp(Path.of(job.output()).resolveSibling("warmup-solver.prototxt"));
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        waitForQuietJvm(job.quietUptimeMillis());
        Path out = Path.of(job.output());
        for (int i = 0; i < job.points().size(); i++) {
            PointResult r = onFreshArena(i + 1, job.points().get(i), i == 0 ? loadSeconds : 0);
            try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                w.write(JSON.writeValueAsString(r));
                w.write('\n');
            }
        }
        progress(job.points().size(), "done");
    }

    /** Says why there is no GPU in the line the parent looks for, and ends the child with {@link #NO_GPU_EXIT}. */
    private static void noGpu(String why) {
        System.err.println(NO_GPU_PREFIX + why);
        System.err.flush();
        System.exit(NO_GPU_EXIT);
    }

    /** The stderr line of a child that found no usable GPU; the parent turns it into its error. */
    static final String NO_GPU_PREFIX = "@no-gpu ";
    static final int NO_GPU_EXIT = 3;

    /**
     * Caffe's mode and device are per thread (a thread-local Caffe singleton): every thread that builds or
     * runs a net sets them first. On a GPU this makes the thread's cuBLAS handle and cuRAND generator.
     */
    private static void enterMode() {
        if (gpu != null) {
            Caffe.SetDevice(gpuIndex);
            Caffe.set_mode(Caffe.GPU);
        } else {
            Caffe.set_mode(Caffe.CPU);
        }
    }

    private static void silenceGlogUnlessAsked() {
        if (System.getenv("GLOG_minloglevel") == null) {
            // glog reads FLAGS_minloglevel at each message; 2 = ERROR keeps Caffe's INFO and WARNING lines out
            try {
                Loader.load(caffe.class);
                new IntPointer(Loader.addressof("_ZN3fLI17FLAGS_minloglevelE")).put(2);
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                // the environment variable set by the parent is the primary switch; this is a fallback
            }
        }
    }

    /**
     * One tiny solver step before any baseline, so that one-time allocations (glog's buffers, the
     * layer registry, protobuf descriptors, OpenBLAS's thread setup) land outside every measurement.
     */
    private static void warmUp(Path file) throws IOException {
        String net = "layer { name: 'in' type: 'Input' top: 'x' top: 'y' input_param { shape { dim: 2 dim: 1 dim: 4 dim: 4 }"
                + " shape { dim: 2 } } }"
                + " layer { name: 'c' type: 'Convolution' bottom: 'x' top: 'c' convolution_param { num_output: 2 kernel_size: 3 } }"
                + " layer { name: 'p' type: 'Pooling' bottom: 'c' top: 'p' pooling_param { kernel_size: 2 } }"
                + " layer { name: 'f' type: 'InnerProduct' bottom: 'p' top: 'f' inner_product_param { num_output: 2 } }"
                + " layer { name: 'l' type: 'SoftmaxWithLoss' bottom: 'f' bottom: 'y' top: 'l' }";
        Files.writeString(file, "net_param { " + net + " } base_lr: 0.01 lr_policy: 'fixed' display: 0 snapshot: 0\n");
        // the whole measuring path, so that its classes are loaded before any baseline
        try {
            onFreshArena(0, new ProbeJob.Point(2, "TRAIN", "SGD", file.toString()), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(file);
    }

    private static void waitForQuietJvm(long uptimeMillis) throws InterruptedException {
        long up = ManagementFactory.getRuntimeMXBean().getUptime();
        if (up < uptimeMillis) {
            progress(0, "settle");
            Thread.sleep(uptimeMillis - up);
        }
    }

    /**
     * Runs a point on a thread of its own that is never allowed to end. glibc gives each new thread a new
     * malloc arena (the parent raises arena_max), and a parked thread keeps it: so no point carves its
     * large buffers out of memory an earlier point freed, and each measures like a fresh process would.
     */
    private static PointResult onFreshArena(int index, ProbeJob.Point point, double loadSeconds) throws InterruptedException {
        java.util.concurrent.CompletableFuture<PointResult> result = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                enterMode();
                result.complete(measure(index, point, loadSeconds));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "point-" + index);
        t.setDaemon(true);
        t.start();
        try {
            return result.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * One point inside its own PointerScope: the wrappers JavaCPP hands out for shared_ptr results
     * (solver.net(), blobs().get(i), data()) each keep a reference, and with the pointer GC off they
     * would keep every net of every point alive. Closing the scope releases them all.
     */
    private static PointResult measure(int index, ProbeJob.Point point, double loadSeconds) {
        try (PointerScope scope = new PointerScope()) {
            return measureInScope(index, point, loadSeconds);
        }
    }

    private static PointResult measureInScope(int index, ProbeJob.Point point, double loadSeconds) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        if (loadSeconds > 0) {
            seconds.put("load", loadSeconds);
        }
        long rssBaseline = RssReader.anonymousBytes();
        long deviceBaseline = gpu == null ? 0 : gpu.deviceUsedBytes();
        long contextBytes = gpu == null ? 0 : gpu.ownBytes();
        PhaseMeter meter = new PhaseMeter();
        long baseline = meter.allocatorBaseline();
        long t = System.nanoTime();
        progress(index, "build");
        boolean train = point.phase().equals("TRAIN");
        FloatSGDSolver solver = null;
        FloatNet inference = null;
        try {
            FloatNet net;
            List<FloatNet> tests = new ArrayList<>();
            if (train) {
                SolverParameter param = new SolverParameter();
                if (!caffe.ReadProtoFromTextFile(point.file(), param)) {
                    throw new IllegalStateException("Caffe could not parse " + point.file());
                }
                solver = newSolver(point.solverType(), param);
                net = solver.net();
                FloatNetSharedVector testNets = solver.test_nets();
                for (long k = 0; k < testNets.size(); k++) {
                    tests.add(testNets.get(k));
                }
            } else {
                NetParameter param = new NetParameter();
                if (!caffe.ReadProtoFromTextFile(point.file(), param)) {
                    throw new IllegalStateException("Caffe could not parse " + point.file());
                }
                param.mutable_state().set_phase(caffe.TEST);
                inference = new FloatNet(param);
                net = inference;
            }
            meter.end(Timeline.Phase.INIT);
            seconds.put("build", lap(t));
            t = System.nanoTime();
            progress(index, train ? "step" : "forward");
            if (train) {
                FirstIteration.run(solver, net, tests, point.snapshot(), meter);
            } else {
                meter.phase(Timeline.Phase.FORWARD, () -> {
                    fillInputs(net);
                    net.Forward();
                });
            }
            seconds.put(train ? "step" : "forward", lap(t));
            // read the allocator before the census: its wrappers allocate small shared_ptr holders
            long allocator = GlibcMalloc.inUseBytes() - baseline;
            long rss = RssReader.anonymousBytes() - rssBaseline;
            long rssPeak = meter.readings().stream().mapToLong(PointResult.PhaseReading::highWaterBytes).max()
                    .orElse(0);
            PointResult.Gpu device = gpu == null ? null : new PointResult.Gpu(gpu.deviceUsedBytes() - deviceBaseline,
                    contextBytes, gpu.processBytes(), gpu.name(), gpu.driver(), gpu.totalBytes());
            progress(index, "census");
            Census census = new Census(gpu != null);
            List<PointResult.Blob> blobs = census.net(net, -1);
            List<Long> testLog = new ArrayList<>();
            for (int k = 0; k < tests.size(); k++) {
                census.net(tests.get(k), k);
                testLog.add(Census.caffeLogBytes(tests.get(k)));
            }
            if (solver != null) {
                census.solver(solver);
            }
            if (train && point.phaseTimings()) {
                PhaseTimer.secondIteration(index, solver, net, seconds);
            }
            return new PointResult(point.batch(), census.buffers(), blobs, Census.caffeLogBytes(net), testLog, allocator,
                    rss, rssPeak, baseline, seconds, device, meter.readings());
        } finally {
            progress(index, "release");
            if (solver != null) {
                solver.close();
            }
            if (inference != null) {
                inference.close();
            }
        }
    }

    /** A solver constructed from Java, so that close() deletes it and frees everything it holds. */
    private static FloatSGDSolver newSolver(String type, SolverParameter param) {
        return switch (type) {
            case "SGD" -> new FloatSGDSolver(param);
            case "Nesterov" -> new FloatNesterovSolver(param);
            case "AdaGrad" -> new FloatAdaGradSolver(param);
            case "RMSProp" -> new FloatRMSPropSolver(param);
            case "AdaDelta" -> new FloatAdaDeltaSolver(param);
            case "Adam" -> new FloatAdamSolver(param);
            default -> throw new IllegalArgumentException("unknown solver type " + type);
        };
    }

    /**
     * What a user of an Input-layer net does first: write the inputs (zeros are valid labels too). Written, not
     * only allocated: Caffe allocates with calloc, whose pages become resident when written, as a data layer's
     * batch does.
     */
    static void fillInputs(FloatNet net) {
        FloatBlobVector inputs = net.input_blobs();
        for (long i = 0; i < inputs.size(); i++) {
            FloatBlob blob = inputs.get(i);
            blob.mutable_cpu_data().capacity(blob.count()).fill(0);
        }
    }

    static double lap(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    static void progress(int point, String phase) {
        if (point == 0 && !phase.equals("load") && !phase.equals("warm-up") && !phase.equals("settle")) {
            return; // the warm-up measures like a point, but is not one
        }
        System.err.println("@progress point=" + point + " phase=" + phase);
        System.err.flush();
    }
}
