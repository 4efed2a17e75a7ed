package dev.caffemem.model;

import dev.caffemem.net.Shape;

/**
 * Normalising layers: LRN (both regions), BatchNorm, MVN and Softmax (src/caffe/layers/lrn_layer.cpp,
 * batch_norm_layer.cpp, mvn_layer.cpp, softmax_layer.cpp). All but within-channel LRN write their
 * bottom diff in Backward whatever propagate_down says.
 */
final class NormBehavior implements LayerBehavior {
    private final String type;

    NormBehavior(String type) {
        this.type = type;
    }

    @Override
    public void setUp(LayerRun r) {
        Shape b = r.bottom(0).shape();
        switch (type) {
            case "BatchNorm" -> {
                long channels = b.axes() == 1 ? 1 : b.dim(1);
                r.internal("spatial_sum_multiplier", b.count() / (b.dim(0) * channels)).touchData();
                r.internal("batch_sum_multiplier", b.dim(0)).touchData();
            }
            case "MVN" -> {
                boolean across = r.params("mvn_param").getBool("across_channels");
                r.internal("sum_multiplier", (across ? legacy(b, 1) : 1) * legacy(b, 2) * legacy(b, 3)).touchData();
            }
            case "Softmax" -> softmaxSetUp(r, r.bottom(0).shape(), r.params("softmax_param").getInt("axis"), "");
            default -> {
            }
        }
    }

    static void softmaxSetUp(LayerRun r, Shape bottom, int axisParam, String prefix) {
        int axis = bottom.canonicalAxis(axisParam);
        r.internal(prefix + "sum_multiplier", bottom.dim(axis)).touchData();
    }

    static SimBlob softmaxScale(LayerRun r, Shape bottom, int axisParam, String prefix) {
        int axis = bottom.canonicalAxis(axisParam);
        return r.internal(prefix + "scale", bottom.count(0, axis) * bottom.count(axis + 1));
    }

    /** Caffe's legacy 4-D accessors: a missing axis reads as 1. */
    static long legacy(Shape s, int axis) {
        return axis < s.axes() ? s.dim(axis) : 1;
    }

    @Override
    public void forward(LayerRun r) {
        Shape b = r.bottom(0).shape();
        r.bottom(0).touchData();
        r.top(0).touchData();
        switch (type) {
            case "LRN" -> {
                if (within(r)) {
                    for (String name : new String[] {"square_output", "pool_output", "power_output"}) {
                        r.internal(name, b.count()).touchData();
                    }
                } else {
                    r.internal("scale", b.count()).touchData();
                }
            }
            case "BatchNorm" -> {
                long channels = b.axes() == 1 ? 1 : b.dim(1);
                r.internal("mean", channels).touchData();
                r.internal("variance", channels).touchData();
                r.internal("num_by_chans", b.dim(0) * channels).touchData();
                r.internal("temp", b.count()).touchData();
                r.internal("x_norm", b.count()).touchData();
            }
            case "MVN" -> {
                long nc = legacy(b, 0) * legacy(b, 1);
                r.internal("mean", nc).touchData();
                r.internal("temp", b.count()).touchData();
                if (r.params("mvn_param").getBool("normalize_variance")) {
                    r.internal("variance", nc).touchData();
                }
            }
            case "Softmax" -> softmaxScale(r, b, r.params("softmax_param").getInt("axis"), "").touchData();
            default -> {
            }
        }
    }

    private static boolean within(LayerRun r) {
        return r.params("lrn_param").getEnum("norm_region").equals("WITHIN_CHANNEL");
    }

    @Override
    public void backward(LayerRun r) {
        if (type.equals("LRN") && within(r)) {
            if (r.propagateDown(0)) {
                long count = r.bottom(0).count();
                for (String name : new String[] {"product_input", "square_input", "square_output", "pool_output",
                        "power_output"}) {
                    r.internal(name, count).touchDiff();
                }
                r.top(0).touchDiff();
                r.bottom(0).touchDiff();
            }
            return;
        }
        r.top(0).touchDiff();
        r.bottom(0).touchDiff();
        if (type.equals("BatchNorm") && r.inPlace()) {
            r.internal("x_norm", r.bottom(0).count()).touchDiff();
        }
    }
}
