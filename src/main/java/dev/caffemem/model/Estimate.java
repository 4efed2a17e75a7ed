package dev.caffemem.model;

import dev.caffemem.memory.Component;
import dev.caffemem.memory.MemoryBreakdown;
import dev.caffemem.memory.Timeline;
import dev.caffemem.net.Phase;
import java.util.List;
import java.util.Map;

/**
 * The analytical bill for one net, batch, phase and mode.
 *
 * @param batch          the batch of the estimated net (its first data layer's)
 * @param caffeLogBytes  what Caffe logs as "Memory required for data" for that net
 * @param breakdown      every touched buffer at this batch, by key and side (its sums: bytes by component)
 * @param fixedBytes     per component, the part that does not grow with the batch
 * @param perSampleBytes per component, bytes added by each extra sample
 * @param linear         whether f(batch) == fixed + perSample x batch held for every component
 * @param layers         the estimated net's layers with their costs (test nets are summarised in {@code testNets})
 * @param notes          assumptions the estimate rests on, for the user to check
 * @param overheadFeatures the structural features the bookkeeping model priced (train and test nets summed)
 * @param gpu            the device and host bills of a GPU estimate, null in CPU mode
 * @param peak           the life of the run and its peak, on the side that must fit
 */
public record Estimate(String netName, Phase phase, Mode mode, String solver, int batch, long caffeLogBytes,
                       MemoryBreakdown breakdown, Map<Component, Long> fixedBytes, Map<Component, Long> perSampleBytes,
                       boolean linear, List<LayerBill> layers, List<TestNetBill> testNets, List<String> notes,
                       Map<String, Double> overheadFeatures, GpuBill gpu, Peak peak) {

    /**
     * The run's peak: its timeline (host memory on the CPU, device memory on a GPU; the process's baseline
     * included) and how the peak grows with the batch.
     *
     * @param fixedBytes     the part of the peak that does not grow with the batch
     * @param perSampleBytes what each extra sample adds to the peak
     * @param datasetBytes   the LMDB/LevelDB files the data layers map, at most: file-backed pages that grow as
     *                       the dataset is read and that the kernel can reclaim, so not in the peak
     */
    public record Peak(Timeline timeline, long fixedBytes, long perSampleBytes, long datasetBytes) {
        public long bytes() {
            return timeline.peakBytes();
        }

        public Timeline.Event event() {
            return timeline.peak();
        }

        /** The peak over what the process held before its first layer: what the run itself adds. */
        public long overBaselineBytes() {
            return bytes() - timeline.events().get(0).heldBytes();
        }
    }

    /** A test net the solver builds: its batch, Caffe's log figure for it, and its total cost. */
    public record TestNetBill(int index, int batch, long caffeLogBytes, long totalBytes) {
    }

    /**
     * The bill that must fit: the peak of host memory on the CPU; on a GPU, the busiest GPU's device memory at
     * its peak (the root's steady bill plus what the timeline holds beyond its end at the peak).
     */
    public long boundBytes() {
        if (gpu == null) {
            return peak.bytes();
        }
        return gpu.rootDeviceBytes() + Math.max(0, peak.bytes() - peak.timeline().finalBytes());
    }

    public long totalBytes() {
        return breakdown.totalBytes();
    }

    public long fixedTotal() {
        return fixedBytes.values().stream().mapToLong(Long::longValue).sum();
    }

    public long perSampleTotal() {
        return perSampleBytes.values().stream().mapToLong(Long::longValue).sum();
    }
}
