package dev.caffemem.model;

import dev.caffemem.memory.Component;
import dev.caffemem.memory.MemoryBreakdown;
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
 */
public record Estimate(String netName, Phase phase, Mode mode, String solver, int batch, long caffeLogBytes,
                       MemoryBreakdown breakdown, Map<Component, Long> fixedBytes, Map<Component, Long> perSampleBytes,
                       boolean linear, List<LayerBill> layers, List<TestNetBill> testNets, List<String> notes,
                       Map<String, Double> overheadFeatures, GpuBill gpu) {

    /** A test net the solver builds: its batch, Caffe's log figure for it, and its total cost. */
    public record TestNetBill(int index, int batch, long caffeLogBytes, long totalBytes) {
    }

    /** The bill that must fit: device memory on a GPU, host memory on the CPU. */
    public long boundBytes() {
        return gpu == null ? totalBytes() : gpu.rootDeviceBytes();
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
