package dev.caffemem.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.caffe.Caffe;
import org.bytedeco.caffe.FloatNet;
import org.bytedeco.caffe.NetParameter;
import org.bytedeco.caffe.global.caffe;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.curand.curandGenerator_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.cuda.global.curand;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * The calibration child's measurements on one GPU, each the growth of the process's device memory around
 * one action: a second handle of each library (the first one also loads the library's modules, which the
 * context figure keeps), thousands of tiny cudaMallocs (the allocator's step), and Caffe's own cuDNN
 * convolution layer built alone at a few common shapes (its workspace, less its handles).
 *
 * <p>Run only in a child JVM started by {@link ProbeRunner} with the GPU natives.
 */
final class CalibrationWorker {
    /** Tiny allocations to average the allocator's step over (2 MiB chunks hold thousands of them). */
    private static final int SMALL_ALLOCATIONS = 16384;

    /**
     * Convolutions from well-known nets at batch 32: name, input N C H W, num_output, kernel, stride, pad, group.
     * Caffe sizes a layer's workspace in Reshape (at Net::Init), for the forward and both backward passes.
     */
    private static final String[][] CONVOLUTIONS = {
        {"alexnet-conv1 32x3x227x227 k11 s4", "32", "3", "227", "227", "96", "11", "4", "0", "1"},
        {"alexnet-conv2 32x96x27x27 k5 p2 g2", "32", "96", "27", "27", "256", "5", "1", "2", "2"},
        {"alexnet-conv3 32x256x13x13 k3 p1", "32", "256", "13", "13", "384", "3", "1", "1", "1"},
        {"resnet-3x3 32x64x56x56 k3 p1", "32", "64", "56", "56", "64", "3", "1", "1", "1"},
        {"resnet-1x1 32x256x56x56 k1", "32", "256", "56", "56", "64", "1", "1", "0", "1"},
    };

    private CalibrationWorker() {
    }

    static Calibration run(GpuMeter gpu, Path work) throws IOException {
        List<String> notes = new ArrayList<>();
        check(cudart.cudaSetDevice(gpu.index()), "cudaSetDevice");
        check(cudart.cudaFree(null), "cudaFree (creating the context)");
        IntPointer version = new IntPointer(1);
        cudart.cudaRuntimeGetVersion(version);
        String cuda = version.get() / 1000 + "." + version.get() % 1000 / 10;
        long cudnnVersion = cudnn.cudnnGetVersion();
        String cudnnText = cudnnVersion / 1000 + "." + cudnnVersion % 1000 / 100 + "." + cudnnVersion % 100;

        // one of each: loads each library's modules (kept in the context figure)
        cublasContext blas1 = new cublasContext();
        checkLib(cublas.cublasCreate_v2(blas1), "cublasCreate");
        curandGenerator_st rand1 = new curandGenerator_st();
        checkLib(curand.curandCreateGenerator(rand1, curand.CURAND_RNG_PSEUDO_DEFAULT), "curandCreateGenerator");
        cudnnContext dnn1 = new cudnnContext();
        checkLib(cudnn.cudnnCreate(dnn1), "cudnnCreate");
        long withFirst = gpu.ownBytes();
        // a second of each: what one more handle costs
        long before = gpu.ownBytes();
        cublasContext blas2 = new cublasContext();
        checkLib(cublas.cublasCreate_v2(blas2), "cublasCreate");
        long blas = gpu.ownBytes() - before;
        before = gpu.ownBytes();
        curandGenerator_st rand2 = new curandGenerator_st();
        checkLib(curand.curandCreateGenerator(rand2, curand.CURAND_RNG_PSEUDO_DEFAULT), "curandCreateGenerator");
        long rand = gpu.ownBytes() - before;
        before = gpu.ownBytes();
        cudnnContext dnn2 = new cudnnContext();
        checkLib(cudnn.cudnnCreate(dnn2), "cudnnCreate");
        long dnn = gpu.ownBytes() - before;
        long context = withFirst - blas - rand - dnn;
        cublas.cublasDestroy_v2(blas2);
        curand.curandDestroyGenerator(rand2);
        cudnn.cudnnDestroy(dnn2);

        long granularity = granularity(gpu);

        // Caffe's layers: its own thread context (cuBLAS and cuRAND for this thread) first
        Loader.load(caffe.class);
        Caffe.SetDevice(gpu.index());
        Caffe.set_mode(Caffe.GPU);
        Map<String, Long> workspaces = new LinkedHashMap<>();
        for (String[] c : CONVOLUTIONS) {
            long workspace = convolutionWorkspace(gpu, c, dnn, work);
            workspaces.put(c[0], workspace);
        }
        if (granularity <= 0 || blas < 0 || rand < 0 || dnn < 0) {
            notes.add("a reading went backwards (another process on this GPU?): rerun on an idle GPU");
        }
        notes.add("CUDA_MODULE_LOADING=" + System.getenv().getOrDefault("CUDA_MODULE_LOADING", "(unset)"));
        return new Calibration(gpu.index(), gpu.name(), gpu.driver(), cuda, cudnnText, gpu.totalBytes(),
                usableBytes(), context, blas, rand, dnn, granularity, workspaces, notes);
    }

    private static long usableBytes() {
        try (org.bytedeco.javacpp.SizeTPointer free = new org.bytedeco.javacpp.SizeTPointer(1);
             org.bytedeco.javacpp.SizeTPointer total = new org.bytedeco.javacpp.SizeTPointer(1)) {
            check(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return total.get();
        }
    }

    /** The device growth of many 4-byte cudaMallocs, per allocation. */
    private static long granularity(GpuMeter gpu) {
        long before = gpu.deviceUsedBytes();
        List<Pointer> blocks = new ArrayList<>();
        for (int i = 0; i < SMALL_ALLOCATIONS; i++) {
            Pointer p = new Pointer();
            check(cudart.cudaMalloc(p, 4), "cudaMalloc");
            blocks.add(p);
        }
        long grown = gpu.deviceUsedBytes() - before;
        for (Pointer p : blocks) {
            cudart.cudaFree(p);
        }
        return Math.round((double) grown / SMALL_ALLOCATIONS);
    }

    /** One Input + Convolution net built by Caffe (cuDNN engine): its device growth less 3 x group handles. */
    private static long convolutionWorkspace(GpuMeter gpu, String[] c, long handleBytes, Path work) throws IOException {
        String net = String.format(Locale.ROOT, "name: 'calibrate' layer { name: 'in' type: 'Input' top: 'x' input_param {"
                + " shape { dim: %s dim: %s dim: %s dim: %s } } } layer { name: 'conv' type: 'Convolution' bottom: 'x'"
                + " top: 'y' convolution_param { num_output: %s kernel_size: %s stride: %s pad: %s group: %s } }",
                c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
        Path file = work.resolve("calibrate-conv.prototxt");
        Files.writeString(file, net);
        NetParameter param = new NetParameter();
        if (!caffe.ReadProtoFromTextFile(file.toString(), param)) {
            throw new IllegalStateException("Caffe could not parse " + file);
        }
        param.mutable_state().set_phase(caffe.TEST);
        long before = gpu.deviceUsedBytes();
        try (FloatNet built = new FloatNet(param)) {
            long grown = gpu.deviceUsedBytes() - before;
            int group = Integer.parseInt(c[9]);
            return Math.max(0, grown - 3L * group * handleBytes);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void check(int rc, String call) {
        if (rc != cudart.cudaSuccess) {
            throw new GpuUnavailableException(call + " failed: " + cudart.cudaGetErrorString(rc).getString());
        }
    }

    private static void checkLib(int rc, String call) {
        if (rc != 0) {
            throw new GpuUnavailableException(call + " failed with status " + rc);
        }
    }
}
