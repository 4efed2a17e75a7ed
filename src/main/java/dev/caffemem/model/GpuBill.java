package dev.caffemem.model;

import dev.caffemem.memory.MemoryBreakdown;
/**
 * The GPU side of an estimate: what lives in device memory and what stays in (mostly pinned) host
 * memory, each with its line in the batch, and what the CUDA runtime and cuDNN cost on top.
 *
 * @param settings         the device and the overheads the estimate assumed
 * @param host             host bytes by component at the estimated batch (C++ objects included)
 * @param device           device bytes by component at the estimated batch
 * @param hostFixed        host bytes that do not grow with the batch
 * @param hostPerSample    host bytes per extra sample
 * @param deviceFixed      device bytes that do not grow with the batch
 * @param devicePerSample  device bytes per extra sample
 * @param threads          threads with their own cuBLAS handle and cuRAND generator (the caller and
 *                         one per prefetching data layer in every net)
 * @param cudnnHandles     cuDNN handles the nets create (3 x group per cuDNN convolution, 1 per other cuDNN layer)
 * @param streams          CUDA streams the nets create (one per cuDNN convolution handle, one per prefetch thread)
 * @param cudnnConvLayers  convolution layers on cuDNN, each with its own workspace
 * @param multi            the per-GPU bill of data-parallel training, null for one GPU
 */
public record GpuBill(GpuSettings settings, MemoryBreakdown host, MemoryBreakdown device, long hostFixed,
                      long hostPerSample, long deviceFixed, long devicePerSample, int threads, int cudnnHandles,
                      int streams, int cudnnConvLayers, MultiGpu multi) {

    public long deviceBytes() {
        return device.totalBytes();
    }

    public long hostBytes() {
        return host.totalBytes();
    }

    /** Whether the root GPU's bill fits the device's capacity. */
    public boolean fits() {
        return rootDeviceBytes() <= settings.capacityBytes();
    }

    /** The device bytes of the busiest GPU: the only one, or the root of a data-parallel run. */
    public long rootDeviceBytes() {
        return multi == null ? deviceBytes() : multi.rootDeviceBytes();
    }

    /**
     * Caffe's data-parallel training (NCCL, {@code caffe train --gpu 0,1,...}): every GPU holds a full
     * replica of the solver at the prototxt batch; only the root runs the test nets.
     *
     * @param gpus                 GPUs in the run
     * @param rootDeviceBytes      the root GPU's device bill (everything a single GPU holds)
     * @param workerDeviceBytes    each other GPU's bill: the replica without the test nets' forward
     * @param rootExtraDeviceBytes what the root holds beyond a worker (test-net activations and scratch)
     * @param ncclBufferBytes      the contiguous parameter and gradient buffers NCCL makes per GPU (2 x 4 x P);
     *                             they take the place of the per-parameter device buffers, so they are
     *                             already inside both bills
     * @param hostBytes            host bytes of the whole process (root plus every worker's replica)
     */
    public record MultiGpu(int gpus, long rootDeviceBytes, long workerDeviceBytes, long rootExtraDeviceBytes,
                           long ncclBufferBytes, long hostBytes) {
    }
}
