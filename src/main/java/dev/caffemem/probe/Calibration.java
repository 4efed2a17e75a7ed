package dev.caffemem.probe;

import java.util.List;
import java.util.Map;

/**
 * What a calibration child measured on one GPU: the overheads the analytical GPU model cannot derive
 * from Caffe's source. Plain data (the parent reads it without natives).
 *
 * @param usableBytes          the device memory CUDA reports as total (cudaMemGetInfo)
 * @param contextBytes         the process's device memory with a CUDA context and cuBLAS's, cuRAND's and cuDNN's
 *                             modules loaded, without the handles themselves
 * @param cublasHandleBytes    what one more cublasCreate costs
 * @param curandGeneratorBytes what one more curandCreateGenerator costs
 * @param cudnnHandleBytes     what one more cudnnCreate costs
 * @param allocationGranularityBytes the device memory a small cudaMalloc really takes, averaged over many
 * @param convWorkspaces       per probed convolution (a name with its shape), the workspace Caffe's cuDNN
 *                             convolution layer took: the device growth of building it, less its handles
 */
public record Calibration(int index, String name, String driver, String cuda, String cudnn, long totalBytes,
                          long usableBytes, long contextBytes, long cublasHandleBytes, long curandGeneratorBytes,
                          long cudnnHandleBytes, long allocationGranularityBytes, Map<String, Long> convWorkspaces,
                          List<String> notes) {

    /** The largest convolution workspace measured, or null when none was. */
    public Long largestConvWorkspace() {
        return convWorkspaces.values().stream().max(Long::compare).orElse(null);
    }
}
