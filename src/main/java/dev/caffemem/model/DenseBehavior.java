package dev.caffemem.model;

/**
 * InnerProduct and Embed (src/caffe/layers/inner_product_layer.cpp, embed_layer.cpp): a bias
 * multiplier of one per row, set at every Reshape; backward touches only what its flags ask for.
 */
final class DenseBehavior implements LayerBehavior {
    private final boolean embed;

    DenseBehavior(boolean embed) {
        this.embed = embed;
    }

    private boolean bias(LayerRun r) {
        return r.params(embed ? "embed_param" : "inner_product_param").getBool("bias_term");
    }

    /** Rows M: the count before the axis (InnerProduct), or every input index (Embed). */
    private long rows(LayerRun r) {
        if (embed) {
            return r.bottom(0).count();
        }
        int axis = r.bottom(0).shape().canonicalAxis(r.params("inner_product_param").getInt("axis"));
        return r.bottom(0).shape().count(0, axis);
    }

    @Override
    public void setUp(LayerRun r) {
        if (bias(r)) {
            r.internal("bias_multiplier", rows(r)).touchData();
        }
    }

    @Override
    public void forward(LayerRun r) {
        r.bottom(0).touchData();
        r.top(0).touchData();
        r.param(0).touchData();
    }

    @Override
    public void backward(LayerRun r) {
        if (embed && r.propagateDown(0)) {
            throw r.fatal("Embed cannot backpropagate to its index input (Caffe CHECK-fails: propagate_down[0])");
        }
        if (r.paramPropagateDown(0)) {
            r.top(0).touchDiff();
            r.param(0).touchDiff();
        }
        if (bias(r) && r.paramPropagateDown(1)) {
            r.top(0).touchDiff();
            r.param(1).touchDiff();
        }
        if (!embed && r.propagateDown(0)) {
            r.top(0).touchDiff();
            r.bottom(0).touchDiff();
        }
    }
}
