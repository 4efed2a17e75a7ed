package dev.caffemem.model;

/**
 * Parameter (include/caffe/layers/parameter_layer.hpp): LayerSetUp shapes its blob without filling it,
 * and Forward makes the top share the blob's data and diff. So the blob is billed as the parameter it is
 * (data, diff, solver history) and the top adds nothing; the blob's memory comes when a consumer first
 * reads the top, or with the solver's first ClearParamDiffs and update.
 */
final class ParameterBehavior implements LayerBehavior {

    @Override
    public boolean fillsParams() {
        return false;
    }

    /** Sharing from setup on instead of from Forward on: nothing touches the top in between. */
    @Override
    public void setUp(LayerRun r) {
        forward(r);
    }

    @Override
    public void forward(LayerRun r) {
        r.shareData(r.top(0), r.param(0));
        r.shareDiff(r.top(0), r.param(0));
    }

    @Override
    public void backward(LayerRun r) {
    }
}
