package dev.caffemem.model;

import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;

/**
 * Loss layers and the layers that score predictions (src/caffe/layers/*loss_layer.cpp,
 * accuracy_layer.cpp, argmax_layer.cpp, reduction_layer.cpp). SoftmaxWithLoss and InfogainLoss hold
 * a probability blob whose diff their inner Softmax allocates at setup (it inherits loss_weight 1).
 */
final class LossBehavior implements LayerBehavior {
    private final String type;

    LossBehavior(String type) {
        this.type = type;
    }

    private boolean softmaxBased() {
        return type.equals("SoftmaxWithLoss") || type.equals("InfogainLoss");
    }

    private int softmaxAxis(LayerRun r) {
        return type.equals("InfogainLoss") ? r.params("infogain_loss_param").getInt("axis")
                : r.params("softmax_param").getInt("axis");
    }

    @Override
    public void setUp(LayerRun r) {
        Shape b = r.bottom(0).shape();
        if (softmaxBased()) {
            SimBlob prob = r.internal("prob", b.count());
            if (type.equals("InfogainLoss") && r.tops().size() > 1) {
                // Forward makes top[1] share prob_'s data; prob_ takes the top's buffer here instead, so the
                // one buffer carries the name Caffe's blob census finds it under
                r.shareData(prob, r.top(1));
            }
            NormBehavior.softmaxSetUp(r, b, softmaxAxis(r), "softmax/");
            if (type.equals("InfogainLoss") || r.lossWeight(0) != 0) {
                prob.touchDiff();
            }
            if (type.equals("InfogainLoss")) {
                long labels = b.dim(b.canonicalAxis(softmaxAxis(r)));
                if (r.bottoms().size() == 2) {
                    r.internal("infogain", labels * labels).touchData();
                    r.internal("sum_rows_H", labels).touchData();
                }
            }
        }
        switch (type) {
            case "SigmoidCrossEntropyLoss" -> {
                SimBlob out = r.internal("sigmoid_output", b.count());
                // the inner Sigmoid is built from the layer as written: only an explicit weight reaches it
                if (explicitLossWeight(r)) {
                    out.touchDiff();
                }
            }
            case "ContrastiveLoss" -> r.internal("summer_vec", NormBehavior.legacy(b, 1)).touchData();
            case "Reduction" -> {
                Message p = r.params("reduction_param");
                String op = p.getEnum("operation");
                if (op.equals("SUM") || op.equals("MEAN")) {
                    r.internal("sum_multiplier", b.count(b.canonicalAxis(p.getInt("axis")))).touchData();
                }
            }
            default -> {
            }
        }
    }

    private static boolean explicitLossWeight(LayerRun r) {
        java.util.List<Double> written = r.layer().spec().param().getDoubles("loss_weight");
        return written.size() == 1 && written.get(0) != 0;
    }

    @Override
    public void forward(LayerRun r) {
        for (int i = 0; i < r.bottoms().size(); i++) {
            r.bottom(i).touchData();
        }
        // InfogainLoss's second top is not written, only pointed at prob_
        r.top(0).touchData();
        for (int t = 1; t < r.tops().size() && !type.equals("InfogainLoss"); t++) {
            r.top(t).touchData();
        }
        Shape b = r.bottom(0).shape();
        if (softmaxBased()) {
            SimBlob prob = r.internal("prob", b.count());
            prob.touchData();
            NormBehavior.softmaxScale(r, b, softmaxAxis(r), "softmax/").touchData();
        }
        switch (type) {
            case "SigmoidCrossEntropyLoss" -> r.internal("sigmoid_output", b.count()).touchData();
            case "EuclideanLoss" -> r.internal("diff", b.count()).touchData();
            case "HingeLoss" -> r.bottom(0).touchDiff();
            case "ContrastiveLoss" -> {
                r.internal("diff", NormBehavior.legacy(b, 0) * NormBehavior.legacy(b, 1)).touchData();
                r.internal("dist_sq", NormBehavior.legacy(b, 0)).touchData();
            }
            case "Accuracy" -> {
                if (r.tops().size() > 1) {
                    r.internal("nums_buffer", r.top(1).count()).touchData();
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void backward(LayerRun r) {
        switch (type) {
            case "Accuracy", "ArgMax" -> {
                if (type.equals("ArgMax") || r.layer().bottomNeedBackward().contains(true)) {
                    throw r.fatal(type + " has no Backward in Caffe 1.0 (NOT_IMPLEMENTED aborts); "
                            + "force_backward asks for one");
                }
            }
            case "EuclideanLoss", "ContrastiveLoss" -> {
                for (int i = 0; i < 2; i++) {
                    if (r.propagateDown(i)) {
                        r.top(0).touchDiff();
                        r.bottom(i).touchDiff();
                    }
                }
            }
            case "Reduction" -> {
                if (r.propagateDown(0)) {
                    r.top(0).touchDiff();
                    r.bottom(0).touchDiff();
                }
            }
            default -> {
                for (int i = 1; i < r.bottoms().size(); i++) {
                    if (r.propagateDown(i)) {
                        throw r.fatal(type + " cannot backpropagate to its label input (bottom " + i
                                + "); Caffe aborts. Set propagate_down: false for it");
                    }
                }
                if (r.propagateDown(0)) {
                    r.top(0).touchDiff();
                    r.bottom(0).touchDiff();
                    if (type.equals("InfogainLoss") && r.bottoms().size() == 3) {
                        long labels = r.bottom(0).shape().dim(r.bottom(0).shape().canonicalAxis(softmaxAxis(r)));
                        r.internal("sum_rows_H", labels).touchData();
                    }
                }
            }
        }
    }
}
