package dev.caffemem.model;

import dev.caffemem.memory.Component;

/**
 * SSD's AnnotatedData (weiliu89/caffe ssd, src/caffe/layers/annotated_data_layer.cpp on the fork's
 * base_data_layer.cpp, which predates Caffe 1.0's): a fixed {@code PREFETCH_COUNT} of 3 batches (not
 * data_param.prefetch), each written at setup (and given a device copy in GPU mode), and tops with buffers of their
 * own that each forward copies the batch into (Caffe 1.0's data layers point their tops into the batch instead).
 * The label grows at each forward to the batch's boxes (8 floats a box); it is billed at its setup size.
 */
final class AnnotatedDataBehavior implements LayerBehavior {
    /** {@code BasePrefetchingDataLayer::PREFETCH_COUNT} in the fork's include/caffe/layers/base_data_layer.hpp. */
    static final int PREFETCH_COUNT = 3;

    @Override
    public void setUp(LayerRun r) {
        long perBatch = 0;
        for (SimBlob top : r.tops()) {
            perBatch += top.count();
        }
        r.detached("prefetch", PREFETCH_COUNT * perBatch, Component.PREFETCH, true);
        if (r.gpu()) {
            r.onDevice(() -> r.internalDetached("prefetch").touch());
        }
    }

    @Override
    public void forward(LayerRun r) {
        // Forward_cpu copies with cpu data, Forward_gpu into the tops' device data
        r.tops().forEach(SimBlob::touchData);
    }

    @Override
    public void backward(LayerRun r) {
        // data layers have no backward
    }
}
