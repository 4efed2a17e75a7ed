package dev.caffemem.model;

import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;

/**
 * Scale and Bias (src/caffe/layers/scale_layer.cpp, bias_layer.cpp). Scale with bias_term runs an
 * internal Bias layer in place on its top. A learned Scale that is neither in-place nor element-wise
 * uses its bottom's diff as scratch in Backward, whatever propagate_down says.
 */
final class ScaleBehavior implements LayerBehavior {
    private final boolean scale;

    ScaleBehavior(boolean scale) {
        this.scale = scale;
    }

    /** outer x dim x inner around the factor's axes. */
    private record Dims(long outer, long dim, long inner) {
    }

    private Dims dims(LayerRun r) {
        Message p = r.params(scale ? "scale_param" : "bias_param");
        Shape b = r.bottom(0).shape();
        Shape factor = factor(r).shape();
        int axis = factor.axes() == 0 ? 0 : b.canonicalAxis(p.getInt("axis"));
        return new Dims(b.count(0, axis), factor.count(), b.count(axis + factor.axes()));
    }

    /** The factor blob: bottom[1], or the learned parameter. */
    private static SimBlob factor(LayerRun r) {
        return r.bottoms().size() > 1 ? r.bottom(1) : r.param(0);
    }

    private boolean biasTerm(LayerRun r) {
        return scale && r.params("scale_param").getBool("bias_term");
    }

    @Override
    public void setUp(LayerRun r) {
        Dims d = dims(r);
        if (scale) {
            r.internal("sum_multiplier", Math.max(d.outer(), d.inner())).touchData();
            if (biasTerm(r)) {
                r.internal("bias/bias_multiplier", d.inner()).touchData();
            }
        } else {
            r.internal("bias_multiplier", d.inner()).touchData();
        }
    }

    @Override
    public void forward(LayerRun r) {
        if (scale && r.inPlace()) {
            r.internal("temp", r.bottom(0).count()).touchData();
        }
        r.bottom(0).touchData();
        factor(r).touchData();
        r.top(0).touchData();
    }

    @Override
    public void backward(LayerRun r) {
        if (scale) {
            scaleBackward(r);
        } else {
            biasBackward(r);
        }
    }

    private void scaleBackward(LayerRun r) {
        int params = r.paramBlobs().size();
        if (biasTerm(r) && r.paramPropagateDown(params - 1)) {
            r.top(0).touchDiff();
            r.param(params - 1).touchDiff();
        }
        boolean learned = r.bottoms().size() == 1;
        if (learned ? r.paramPropagateDown(0) : r.propagateDown(1)) {
            Dims d = dims(r);
            SimBlob factor = factor(r);
            r.top(0).touchDiff();
            boolean eltwise = r.bottom(0).count() == factor.count();
            if (eltwise) {
                factor.touchDiff();
            } else if (r.inPlace()) {
                r.internal("temp", r.bottom(0).count()).touchData();
            } else {
                r.bottom(0).touchDiff();
            }
            if (!eltwise) {
                if (d.inner() != 1 && d.outer() * d.dim() != 1 && d.outer() != 1) {
                    r.internal("sum_result", d.outer() * d.dim()).touchData();
                }
                factor.touchDiff();
            }
        }
        if (r.propagateDown(0)) {
            r.top(0).touchDiff();
            r.bottom(0).touchDiff();
        }
    }

    private static void biasBackward(LayerRun r) {
        if (r.propagateDown(0) && !r.inPlace()) {
            r.top(0).touchDiff();
            r.bottom(0).touchDiff();
        }
        boolean learned = r.bottoms().size() == 1;
        if (learned ? r.paramPropagateDown(0) : r.propagateDown(1)) {
            r.top(0).touchDiff();
            factor(r).touchDiff();
        }
    }
}
