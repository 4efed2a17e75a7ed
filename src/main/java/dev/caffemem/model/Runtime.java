package dev.caffemem.model;

import java.util.Map;

/**
 * What the process around the nets brings that no prototxt says: how many OpenBLAS threads its GEMMs use,
 * whether it loads trained weights (a .caffemodel) at start, and what the data layers' files hold where they
 * exist.
 *
 * @param blasThreads     OpenBLAS threads of the training process (by default the machine's processors)
 * @param loadsWeights    the process parses a .caffemodel after building its net ({@code caffe test}, or
 *                        {@code caffe train --weights}): the parsed weights and the filled ones coexist
 * @param hdf5FileBytes   by HDF5Data layer name, the size of the first file its source lists (the layer reads a
 *                        whole file into memory at setup); absent where the file is not at hand
 * @param datasetBytes    by data layer name, the size of its LMDB/LevelDB files: pages the process maps from the
 *                        file as it reads (file-backed, reclaimable, reported apart from the peak)
 * @param fixedMmapThreshold glibc's mmap threshold is pinned (MALLOC_MMAP_THRESHOLD_, as in the probe's child):
 *                        freed large chunks all go back to the kernel, none stays in the heap
 */
public record Runtime(int blasThreads, boolean loadsWeights, Map<String, Long> hdf5FileBytes,
                      Map<String, Long> datasetBytes, boolean fixedMmapThreshold) {

    /** One OpenBLAS thread, no weights loaded, no data files at hand, glibc as a plain process has it. */
    public static final Runtime DEFAULT = new Runtime(1, false, Map.of(), Map.of(), false);

    public Runtime(int blasThreads, boolean loadsWeights, Map<String, Long> hdf5FileBytes,
                   Map<String, Long> datasetBytes) {
        this(blasThreads, loadsWeights, hdf5FileBytes, datasetBytes, false);
    }

    public Runtime {
        if (blasThreads < 1) {
            throw new IllegalArgumentException("OpenBLAS threads: at least 1, found " + blasThreads);
        }
        hdf5FileBytes = Map.copyOf(hdf5FileBytes);
        datasetBytes = Map.copyOf(datasetBytes);
    }

    public Runtime withBlasThreads(int threads) {
        return new Runtime(threads, loadsWeights, hdf5FileBytes, datasetBytes, fixedMmapThreshold);
    }

    public Runtime withLoadsWeights(boolean loads) {
        return new Runtime(blasThreads, loads, hdf5FileBytes, datasetBytes, fixedMmapThreshold);
    }

    public Runtime withFiles(Map<String, Long> hdf5, Map<String, Long> datasets) {
        return new Runtime(blasThreads, loadsWeights, hdf5, datasets, fixedMmapThreshold);
    }

    /** The same with glibc's mmap threshold pinned (the probe's child). */
    public Runtime withFixedMmapThreshold() {
        return new Runtime(blasThreads, loadsWeights, hdf5FileBytes, datasetBytes, true);
    }
}
