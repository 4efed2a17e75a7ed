package dev.caffemem.model;

/**
 * caffe-fast-rcnn's ROIPooling (rbgirshick/caffe-fast-rcnn, src/caffe/layers/roi_pooling_layer.cpp and .cu): the
 * pooled regions and an int argmax of the same size. Only the GPU code has a backward: on the CPU it is
 * NOT_IMPLEMENTED, so a net that trains through it aborts there.
 */
final class RoiPoolingBehavior implements LayerBehavior {

    @Override
    public void forward(LayerRun r) {
        r.bottom(0).touchData();
        r.bottom(1).touchData();
        r.top(0).touchData();
        r.internal("max_idx", r.top(0).count()).touchData();
    }

    @Override
    public void backward(LayerRun r) {
        if (!r.gpu()) {
            throw r.fatal("caffe-fast-rcnn's ROIPooling has no CPU backward (roi_pooling_layer.cpp: Backward_cpu is"
                    + " NOT_IMPLEMENTED), so Caffe aborts training it on a CPU; estimate it with --device gpu");
        }
        if (r.propagateDown(0)) {
            r.bottom(1).touchData();
            r.top(0).touchDiff();
            r.bottom(0).touchDiff();
            r.internal("max_idx", r.top(0).count()).touchData();
        }
    }
}
