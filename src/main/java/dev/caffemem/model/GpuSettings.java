package dev.caffemem.model;

import java.util.List;

/**
 * What a GPU estimate needs to know about the device and its software stack: capacity and the
 * overheads no formula gives. A calibration measures them; until then they are the assumed values of
 * {@link #assumedFor}, and {@code assumptions} says which ones.
 *
 * @param capacityBytes          device memory the estimate must fit in
 * @param contextBytes           the CUDA context with Caffe's, cuBLAS's and cuDNN's modules loaded
 * @param cublasHandleBytes      one cublasCreate (one per thread with a Caffe context)
 * @param curandGeneratorBytes   one curandCreateGenerator (one per thread with a Caffe context)
 * @param cudnnHandleBytes       one cudnnCreate
 * @param streamBytes            one cudaStreamCreate
 * @param convWorkspaceBytes     the cuDNN workspace of one convolution layer, as measured (the largest
 *                               one layer held); null: upstream Caffe 1.0's bound, 8 MiB per slot and
 *                               3 x group slots per layer
 * @param pinnedGranularityBytes what cudaMallocHost rounds one allocation up to
 * @param deviceGranularityBytes what cudaMalloc rounds one allocation up to
 * @param calibrated             whether a calibration on this device measured the overheads
 * @param gpus                   GPUs of a data-parallel run (1: a single GPU)
 * @param assumptions            the figures that were assumed rather than measured, for the user to read
 */
public record GpuSettings(String name, long capacityBytes, long contextBytes, long cublasHandleBytes,
                          long curandGeneratorBytes, long cudnnHandleBytes, long streamBytes, Long convWorkspaceBytes,
                          long pinnedGranularityBytes, long deviceGranularityBytes, boolean calibrated, int gpus,
                          List<String> assumptions) {
    /** Upstream Caffe 1.0's per-slot workspace limit (cudnn_conv_layer.cpp, workspace_limit_bytes). */
    public static final long UPSTREAM_WORKSPACE_LIMIT = 8L << 20;
    /**
     * A CUDA 11.8 context with eagerly loaded cuBLAS and cuDNN 8 modules: published measurements of
     * such processes range from about 300 MiB to over 1 GiB; the upper part of that range is assumed.
     */
    public static final long ASSUMED_CONTEXT = 768L << 20;
    /** cuBLAS 11's default workspace (CUBLAS_WORKSPACE_CONFIG :16:8:4096:2): 8 x 16 KiB + 2 x 4 MiB. */
    public static final long ASSUMED_CUBLAS_HANDLE = 8 * (16L << 10) + 2 * (4L << 20);
    /** A cuRAND XORWOW generator's device state; undocumented. */
    public static final long ASSUMED_CURAND_GENERATOR = 2L << 20;
    /**
     * A cuDNN handle; undocumented. cudnn.torch measured about 300 MB for 1024 handles (cuDNN v3,
     * soumith/cudnn.torch#38), about 0.3 MiB each; 0.5 MiB is assumed.
     */
    public static final long ASSUMED_CUDNN_HANDLE = 512L << 10;
    /** cudaMalloc hands out at least 512-byte aligned blocks. */
    public static final long ASSUMED_DEVICE_GRANULARITY = 512;
    /** cudaMallocHost allocates whole pages. */
    public static final long ASSUMED_PINNED_GRANULARITY = 4096;

    public GpuSettings {
        if (gpus < 1) {
            throw new IllegalArgumentException("gpus must be at least 1, was " + gpus);
        }
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("device capacity must be positive, was " + capacityBytes);
        }
        assumptions = List.copyOf(assumptions);
    }

    /** A device of which only the capacity is known: every overhead assumed. */
    public static GpuSettings assumedFor(String name, long capacityBytes) {
        return new GpuSettings(name, capacityBytes, ASSUMED_CONTEXT, ASSUMED_CUBLAS_HANDLE, ASSUMED_CURAND_GENERATOR,
                ASSUMED_CUDNN_HANDLE, 0, null, ASSUMED_PINNED_GRANULARITY, ASSUMED_DEVICE_GRANULARITY, false, 1,
                List.of("CUDA context " + mib(ASSUMED_CONTEXT), "cuBLAS handle " + mib(ASSUMED_CUBLAS_HANDLE),
                        "cuRAND generator " + mib(ASSUMED_CURAND_GENERATOR), "cuDNN handle " + mib(ASSUMED_CUDNN_HANDLE),
                        "cuDNN convolution workspace 8 MiB x 3 x group per layer (Caffe 1.0's limit)",
                        "cudaMalloc granularity " + ASSUMED_DEVICE_GRANULARITY + " B",
                        "pinned granularity " + ASSUMED_PINNED_GRANULARITY + " B"));
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    public GpuSettings withGpus(int n) {
        return new GpuSettings(name, capacityBytes, contextBytes, cublasHandleBytes, curandGeneratorBytes,
                cudnnHandleBytes, streamBytes, convWorkspaceBytes, pinnedGranularityBytes, deviceGranularityBytes,
                calibrated, n, assumptions);
    }

    /** The workspace of one cuDNN convolution layer with {@code group} groups. */
    public long convWorkspace(int group) {
        return convWorkspaceBytes != null ? convWorkspaceBytes : UPSTREAM_WORKSPACE_LIMIT * 3L * group;
    }

    /** cudaMalloc's rounding of one device allocation (zero bytes allocate nothing). */
    public long deviceChunk(long bytes) {
        return roundUp(bytes, deviceGranularityBytes);
    }

    /** cudaMallocHost's rounding of one pinned allocation (zero bytes allocate nothing). */
    public long pinnedChunk(long bytes) {
        return roundUp(bytes, pinnedGranularityBytes);
    }

    private static long roundUp(long bytes, long granularity) {
        long g = Math.max(1, granularity);
        return (bytes + g - 1) / g * g;
    }
}
