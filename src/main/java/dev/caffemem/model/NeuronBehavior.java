package dev.caffemem.model;

import dev.caffemem.prototxt.Message;

/**
 * Element-wise layers (src/caffe/layers/*_layer.cpp for ReLU, Sigmoid, TanH, BNLL, Exp, Log, ELU,
 * AbsVal, Power, Threshold, Dropout, PReLU). Most touch their bottom diff only when asked for it.
 */
final class NeuronBehavior implements LayerBehavior {
    private final String type;

    NeuronBehavior(String type) {
        this.type = type;
    }

    @Override
    public void setUp(LayerRun r) {
        if (type.equals("PReLU")) {
            // multiplier_ is set to one in LayerSetUp and never used again on CPU
            r.internal("multiplier", r.bottom(0).shape().count(1)).touchData();
        }
    }

    @Override
    public void forward(LayerRun r) {
        r.top(0).touchData();
        switch (type) {
            case "Power" -> {
                if (diffScale(r) != 0) {
                    r.bottom(0).touchData();
                }
            }
            case "Dropout" -> {
                r.bottom(0).touchData();
                // the mask is taken in TEST too, where it stays zeros
                r.internal("rand_vec", r.bottom(0).count()).touchData();
            }
            case "PReLU" -> {
                r.bottom(0).touchData();
                r.param(0).touchData();
                if (r.inPlace()) {
                    r.internal("bottom_memory", r.bottom(0).count()).touchData();
                }
            }
            default -> r.bottom(0).touchData();
        }
    }

    private static double diffScale(LayerRun r) {
        Message p = r.params("power_param");
        return p.getDouble("power") * p.getDouble("scale");
    }

    @Override
    public void backward(LayerRun r) {
        switch (type) {
            case "Threshold" -> throw r.fatal("Threshold has no Backward in Caffe 1.0 (NOT_IMPLEMENTED aborts), "
                    + "and this layer's output reaches a loss through layers that need gradients");
            case "AbsVal" -> {
                r.top(0).touchDiff();
                if (r.propagateDown(0)) {
                    r.bottom(0).touchDiff();
                }
            }
            case "PReLU" -> {
                r.top(0).touchDiff();
                if (r.paramPropagateDown(0)) {
                    r.param(0).touchDiff();
                }
                if (r.propagateDown(0)) {
                    r.bottom(0).touchDiff();
                }
            }
            default -> {
                if (r.propagateDown(0)) {
                    r.top(0).touchDiff();
                    r.bottom(0).touchDiff();
                }
            }
        }
    }
}
