package dev.caffemem.model;

import dev.caffemem.net.Shape;

/**
 * SSD's Normalize (weiliu89/caffe ssd, src/caffe/layers/normalize_layer.cpp): per-image scratch of one image's size
 * ({@code buffer_}), the norms (one per image, or per pixel without across_spatial), ones over channels and over
 * space set at setup, and in backward two more scratch vectors; the bottom's diff is taken in every backward.
 */
final class NormalizeBehavior implements LayerBehavior {

    private static long legacy(Shape s, int axis) {
        return axis < s.axes() ? s.dim(axis) : 1;
    }

    private static long spatial(LayerRun r) {
        Shape b = r.bottom(0).shape();
        return legacy(b, 2) * legacy(b, 3);
    }

    private static SimBlob norm(LayerRun r) {
        long n = legacy(r.bottom(0).shape(), 0);
        return r.internal("norm", r.params("norm_param").getBool("across_spatial") ? n : n * spatial(r));
    }

    @Override
    public void setUp(LayerRun r) {
        r.internal("sum_channel_multiplier", legacy(r.bottom(0).shape(), 1)).touchData();
        r.internal("sum_spatial_multiplier", spatial(r)).touchData();
    }

    @Override
    public void forward(LayerRun r) {
        r.bottom(0).touchData();
        r.top(0).touchData();
        r.internal("buffer", r.bottom(0).shape().count(1)).touchData();
        norm(r).touchData();
        r.internal("sum_channel_multiplier", legacy(r.bottom(0).shape(), 1)).touchData();
        r.internal("sum_spatial_multiplier", spatial(r)).touchData();
    }

    @Override
    public void backward(LayerRun r) {
        r.top(0).touchDiff();
        r.bottom(0).touchDiff();
        r.internal("buffer", r.bottom(0).shape().count(1)).touchData();
        r.internal("buffer_channel", legacy(r.bottom(0).shape(), 1)).touchData();
        r.internal("buffer_spatial", spatial(r)).touchData();
        if (r.paramPropagateDown(0)) {
            r.param(0).touchDiff();
        }
    }
}
