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
    /** A thread's stack, as resident (68 KiB of 8 MiB reserved, /proc/PID/smaps of AlexNet's run). */
    static final long THREAD_STACK_BYTES = 69_632;
    /**
     * The most a prefetch thread's malloc arena was seen to hold (1.64 MB resident of 134 MB reserved, AlexNet's
     * 256x256x3 records): the copies of one item it decodes (the record's string and the parsed Datum, or a
     * decoded image and its resized copy) and the arena's own first heap.
     */
    static final long PREFETCH_ARENA_MAX_BYTES = 1_640_448;
    /** A fresh arena's first heap, before any item (glibc's HEAP_MIN and the arena's state, page-rounded). */
    static final long ARENA_FIRST_BYTES = 135_168;
    /**
     * What each OpenBLAS thread beyond the first makes resident at the first GEMM (its packing buffers), at most:
     * AlexNet's anonymous high-water with OPENBLAS_NUM_THREADS=2 minus the same with 1. Packing buffers hold
     * panels of the operands, so small GEMMs touch less: LeNet +0.53 MB, the MNIST autoencoder +0.61 MB
     * (scripts/caffe-run.sh with OPENBLAS_NUM_THREADS=1 and 2).
     */
    static final long BLAS_THREAD_MAX_BYTES = 1_514_770_432L - 1_511_385_088L;

    private ProcessBaseline() {
    }

    /**
     * A prefetching data layer's thread: its stack, and its arena holding the copies of one item it decodes,
     * about 8 bytes per byte of the item (fitted to AlexNet's 196,608-byte records), at most what was seen.
     *
     * @param itemBytes one item's bytes as the layer reads it (C x H x W, one byte each)
     */
    static long prefetchThread(long itemBytes) {
        return THREAD_STACK_BYTES + Math.min(PREFETCH_ARENA_MAX_BYTES, ARENA_FIRST_BYTES + 8 * itemBytes);
    }

    /**
     * One OpenBLAS thread beyond the first: its packing buffers at the first GEMM, bounded by the panels of the
     * net's largest weight matrix (half of it each, its threads splitting the product), at most what was seen.
     */
    static long blasThread(long largestWeightBytes) {
        return Math.min(BLAS_THREAD_MAX_BYTES, largestWeightBytes / 2);
    }

    /** Before the first layer, on the side the timeline follows (the device's baseline is the CUDA context). */
    static long bytes(Mode mode) {
        return mode == Mode.CPU ? CPU_BYTES : 0;
    }
}
