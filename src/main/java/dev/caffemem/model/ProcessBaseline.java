package dev.caffemem.model;

/**
 * What a CPU {@code caffe} process holds besides its nets' buffers, measured with BVLC's own {@code caffe}
 * command built against the libcaffe the probe loads (docs/peak.md, "What the process itself holds"): no
 * formula gives these; each figure says where it was measured.
 */
final class ProcessBaseline {
    /**
     * Resident before the first layer: the executable and its libraries' pages (22.0 MB file-backed: libcaffe,
     * OpenCV, HDF5, OpenBLAS, GTK through highgui) and their data, glog's and gflags' start-up (3.3 MB
     * anonymous). VmHWM at "Initializing solver from parameters" on this project's machine; 25.2 to 27.4 MB over
     * the runs of scripts/peak-table.sh, the same with 1, 2 or 8 OpenBLAS threads.
     */
    static final long CPU_BYTES = 25_333_760;
    /**
     * Each prefetching data layer's thread: its malloc arena (1.64 MB resident of 134 MB reserved, the decode
     * buffers of one item) and its stack (68 KiB resident of 8 MiB), from /proc/PID/smaps of AlexNet's run.
     */
    static final long PREFETCH_THREAD_BYTES = 1_640_448 + 69_632;
    /**
     * What each OpenBLAS thread beyond the first makes resident at the first GEMM (its packing buffers): the
     * anonymous high-water of AlexNet's run with OPENBLAS_NUM_THREADS=2 minus the same with 1.
     */
    static final long BLAS_THREAD_BYTES = 1_514_770_432L - 1_511_385_088L;

    private ProcessBaseline() {
    }

    /** Before the first layer, on the side the timeline follows (the device's baseline is the CUDA context). */
    static long bytes(Mode mode) {
        return mode == Mode.CPU ? CPU_BYTES : 0;
    }
}
