package dev.caffemem.probe;

import java.util.List;
import java.util.Map;

/**
 * What one probe point measured in the real Caffe. Plain data (read by the parent without natives).
 *
 * @param buffers         every allocated SyncedMemory, deduplicated by address, by key
 *                        (same keys as the analytical model's buffers)
 * @param blobs           every blob of the train (or inference) net with its real shape
 * @param caffeLogBytes   Caffe's "Memory required for data" of the main net, recomputed from its top blobs
 * @param allocatorBytes  glibc in-use bytes (uordblks + hblkhd) after the step minus before the net existed
 * @param rssBytes        anonymous RSS after the step minus before the net existed
 * @param rssPeakBytes    the process's peak RSS (VmHWM, reset at the baseline) minus the baseline RSS
 * @param seconds         wall time per phase: load (first point of a child), build, fill, step (the first
 *                        iteration, allocations included), and forward, backward, update (a second iteration)
 * @param gpu             what the GPU showed, on a GPU run; null on the CPU
 */
public record PointResult(int batch, List<Buffer> buffers, List<Blob> blobs, long caffeLogBytes,
                          List<Long> testCaffeLogBytes, long allocatorBytes, long rssBytes, long rssPeakBytes,
                          long allocatorBaseline,
                          Map<String, Double> seconds, Gpu gpu) {

    public PointResult(int batch, List<Buffer> buffers, List<Blob> blobs, long caffeLogBytes,
                       List<Long> testCaffeLogBytes, long allocatorBytes, long rssBytes, long rssPeakBytes,
                       long allocatorBaseline, Map<String, Double> seconds) {
        this(batch, buffers, blobs, caffeLogBytes, testCaffeLogBytes, allocatorBytes, rssBytes, rssPeakBytes,
                allocatorBaseline, seconds, null);
    }

    /**
     * One allocated buffer.
     *
     * @param side "host" or "device" (a SyncedMemory with both copies is two buffers); null means host
     */
    public record Buffer(String key, long bytes, String component, String side) {
        public Buffer(String key, long bytes, String component) {
            this(key, bytes, component, null);
        }

        public boolean onDevice() {
            return "device".equals(side);
        }
    }

    /**
     * Device memory around one point on a GPU.
     *
     * @param deviceBytes   the device's growth over the point (cudaMemGetInfo after the step minus before the
     *                      net existed): the point's nets, their cuDNN handles, workspaces and prefetch threads
     * @param contextBytes  what the process held on the device before the point: the CUDA context, its loaded
     *                      modules and the calling thread's cuBLAS and cuRAND handles
     * @param processBytes  the process's device memory after the step as NVML reports it, or -1
     * @param name          the GPU's name
     * @param driver        the driver's version
     * @param totalBytes    the device's memory
     */
    public record Gpu(long deviceBytes, long contextBytes, long processBytes, String name, String driver,
                      long totalBytes) {
    }

    /** Census bytes on the device. */
    public long deviceBlobBytes() {
        return buffers.stream().filter(Buffer::onDevice).mapToLong(Buffer::bytes).sum();
    }

    /** One blob and its shape. */
    public record Blob(int id, String name, List<Integer> shape) {
    }

    public long blobBytes() {
        return buffers.stream().mapToLong(Buffer::bytes).sum();
    }

    /** Blob-level bytes by component name (activationData, activationDiff, paramData, paramDiff, solverState, testNet). */
    public java.util.Map<String, Long> components() {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (String c : new String[] {"activationData", "activationDiff", "paramData", "paramDiff", "solverState", "testNet"}) {
            out.put(c, 0L);
        }
        for (Buffer b : buffers) {
            out.merge(b.component(), b.bytes(), Long::sum);
        }
        return out;
    }
}
