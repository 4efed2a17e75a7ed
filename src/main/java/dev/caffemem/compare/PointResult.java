package dev.caffemem.compare;

import dev.caffemem.memory.Allocation;
import dev.caffemem.memory.Component;
import dev.caffemem.memory.MemoryBreakdown;
import dev.caffemem.memory.Side;
import dev.caffemem.memory.Timeline;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one probe point measured in the real Caffe. Plain data: the probe child writes it as JSON, the
 * parent reads it without natives.
 *
 * @param buffers         every allocated SyncedMemory, deduplicated by address, under the keys the model uses
 * @param blobs           every blob of the train (or inference) net with its real shape
 * @param caffeLogBytes   Caffe's "Memory required for data" of the main net, recomputed from its top blobs
 * @param allocatorBytes  glibc in-use bytes (uordblks + hblkhd) after the step minus before the net existed
 * @param rssBytes        anonymous RSS after the step minus before the net existed
 * @param rssPeakBytes    the process's peak RSS (VmHWM, reset at the baseline) minus the baseline RSS
 * @param seconds         wall time per phase: load (first point of a child), build, fill, step (the first
 *                        iteration, allocations included), and forward, backward, update (a second iteration)
 * @param gpu             what the GPU showed, on a GPU run; null on the CPU
 * @param phases          the run's phases as the child measured them, in order (empty from an older child)
 */
public record PointResult(int batch, List<Allocation> buffers, List<Blob> blobs, long caffeLogBytes,
                          List<Long> testCaffeLogBytes, long allocatorBytes, long rssBytes, long rssPeakBytes,
                          long allocatorBaseline, Map<String, Double> seconds, Gpu gpu, List<PhaseReading> phases) {

    public PointResult {
        phases = phases == null ? List.of() : List.copyOf(phases);
    }

    /**
     * One phase of the point's run, measured in the child between two readings.
     *
     * @param heldBytes      resident memory at the end of the phase (VmRSS), less the point's baseline
     * @param highWaterBytes the process's peak resident memory during the phase (VmHWM, reset at its start), less
     *                       its resident memory at the point's baseline
     */
    public record PhaseReading(Timeline.Phase phase, long heldBytes, long highWaterBytes, double seconds) {
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

    /** One blob and its shape. */
    public record Blob(int id, String name, List<Integer> shape) {
    }

    /**
     * The point as caffemem's memory type: the buffers the census saw, with glibc's count as the host total and
     * the device's growth as the device total (both also hold what the census cannot see).
     */
    public MemoryBreakdown breakdown() {
        return MemoryBreakdown.measured(buffers, allocatorBytes, gpu == null ? 0 : gpu.deviceBytes());
    }

    /** Census bytes on the device. */
    public long deviceBlobBytes() {
        return buffers.stream().filter(b -> b.side() == Side.DEVICE).mapToLong(Allocation::bytes).sum();
    }

    public long blobBytes() {
        return buffers.stream().mapToLong(Allocation::bytes).sum();
    }

    /** Blob-level bytes by component (those a census sees), in the components' order. */
    public Map<Component, Long> components() {
        Map<Component, Long> out = new LinkedHashMap<>();
        MemoryBreakdown m = breakdown();
        for (Component c : Component.values()) {
            if (c.blobLevel()) {
                out.put(c, m.bytes(c));
            }
        }
        return out;
    }
}
