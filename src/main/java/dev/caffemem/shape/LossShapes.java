package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * The loss layers ({@code LossLayer} subclasses: a scalar top with a default loss_weight of 1, an
 * automatic top when none is named) and the layers that score predictions: Accuracy, ArgMax, Reduction.
 */
final class LossShapes implements LayerKind {
    private final String type;

    LossShapes(String type) {
        this.type = type;
    }

    @Override
    public boolean isLoss() {
        return !type.equals("Accuracy") && !type.equals("ArgMax") && !type.equals("Reduction");
    }

    @Override
    public boolean allowForceBackward(int bottomIndex) {
        return switch (type) {
            case "EuclideanLoss" -> true;
            case "ContrastiveLoss" -> bottomIndex != 2;
            default -> bottomIndex != 1;
        };
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return switch (type) {
            case "Accuracy" -> BlobCounts.range(2, 2, 1, 2);
            case "ArgMax", "Reduction" -> BlobCounts.exact(1, 1);
            case "SoftmaxWithLoss" -> BlobCounts.range(2, 2, 1, 2).withAutoTop();
            // the second top is the softmax output (infogain_loss_layer.hpp: MaxTopBlobs 2)
            case "InfogainLoss" -> BlobCounts.range(2, 3, 1, 2).withAutoTop();
            case "ContrastiveLoss" -> BlobCounts.exact(3, 1).withAutoTop();
            default -> BlobCounts.exact(2, 1).withAutoTop();
        };
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        return LayerShapes.of(switch (type) {
            case "Accuracy" -> accuracy(ctx);
            case "ArgMax" -> List.of(argMax(ctx));
            case "Reduction" -> List.of(reduction(ctx));
            default -> loss(ctx);
        });
    }

    private List<Shape> loss(SetupContext ctx) {
        Shape pred = ctx.bottom(0);
        Shape label = ctx.bottom(1);
        if (!type.equals("ContrastiveLoss") && pred.axes() > 0 && label.axes() > 0 && pred.dim(0) != label.dim(0)) {
            throw ctx.error("the data and label should have the same first dimension (" + pred.dimsString() + " vs "
                    + label.dimsString() + ")");
        }
        switch (type) {
            case "SoftmaxWithLoss" -> {
                if (ctx.topCount() > 1) {
                    // the inner Softmax inherits the layer's loss_weight list: with one weight the outer
                    // layer fails the per-top check, with two the one-top Softmax does (BVLC/caffe#2968)
                    throw ctx.error("SoftmaxWithLoss with a second top cannot be set up in Caffe 1.0: \"loss_weight"
                            + " must be unspecified or specified once per top blob\" fails for it or its inner Softmax"
                            + " (BVLC/caffe#2968); drop the second top or add a Softmax layer");
                }
                checkLabels(ctx, pred, label, ctx.layer().params("softmax_param").getInt("axis"));
            }
            case "InfogainLoss" -> infogain(ctx, pred, label);
            case "EuclideanLoss" -> {
                if (pred.count(1) != label.count(1)) {
                    throw ctx.error("inputs must have the same dimension (" + pred.dimsString() + " vs " + label.dimsString() + ")");
                }
            }
            case "SigmoidCrossEntropyLoss" -> {
                if (pred.count() != label.count()) {
                    throw ctx.error("SIGMOID_CROSS_ENTROPY_LOSS layer inputs must have the same count ("
                            + pred.count() + " vs " + label.count() + ")");
                }
            }
            case "ContrastiveLoss" -> contrastive(ctx);
            default -> {
            }
        }
        List<Shape> tops = new ArrayList<>();
        tops.add(Shape.scalar());
        if (ctx.topCount() > 1) {
            tops.add(pred);
        }
        return tops;
    }

    private static void checkLabels(SetupContext ctx, Shape pred, Shape label, int axisParam) {
        int axis = ConvGeometry.canonical(ctx, pred, axisParam);
        long outer = pred.count(0, axis);
        long inner = pred.count(axis + 1);
        if (outer * inner != label.count()) {
            throw ctx.error("number of labels must match number of predictions: prediction " + pred.dimsString()
                    + " with axis " + axis + " needs " + outer * inner + " labels, label blob has " + label.count());
        }
    }

    /** InfogainLossLayer::LayerSetUp and Reshape (src/caffe/layers/infogain_loss_layer.cpp). */
    private static void infogain(SetupContext ctx, Shape pred, Shape label) {
        Message p = ctx.layer().params("infogain_loss_param");
        if (ctx.layer().params("loss_param").has("normalize")) {
            throw ctx.error("normalize is deprecated. use \"normalization\"");
        }
        if (ctx.bottoms().size() < 3 && !p.has("source")) {
            throw ctx.error("Infogain matrix source must be specified (infogain_loss_param.source, or H as a third bottom)");
        }
        checkLabels(ctx, pred, label, p.getInt("axis"));
        if (ctx.bottoms().size() == 3) {
            long labels = pred.dim(ConvGeometry.canonical(ctx, pred, p.getInt("axis")));
            if (ctx.bottom(2).count() != labels * labels) {
                throw ctx.error("the infogain matrix H (bottom 2, " + ctx.bottom(2).dimsString() + ") must have "
                        + labels + "x" + labels + " = " + labels * labels + " elements, one per pair of labels");
            }
        }
    }

    /** ContrastiveLoss's checks use Caffe's legacy 4-D accessors, where a missing axis reads as 1. */
    private static void contrastive(SetupContext ctx) {
        Shape a = ctx.bottom(0);
        Shape b = ctx.bottom(1);
        Shape y = ctx.bottom(2);
        if (legacy(a, 1) != legacy(b, 1) || legacy(a, 2) * legacy(a, 3) != 1 || legacy(b, 2) * legacy(b, 3) != 1) {
            throw ctx.error("ContrastiveLoss needs two N x C x 1 x 1 feature bottoms of the same C (" + a.dimsString()
                    + ", " + b.dimsString() + ")");
        }
        if (legacy(y, 1) * legacy(y, 2) * legacy(y, 3) != 1) {
            throw ctx.error("ContrastiveLoss needs an N x 1 x 1 x 1 similarity bottom, found " + y.dimsString());
        }
    }

    private static int legacy(Shape s, int axis) {
        return axis < s.axes() ? s.dim(axis) : 1;
    }

    private static List<Shape> accuracy(SetupContext ctx) {
        Message p = ctx.layer().params("accuracy_param");
        Shape pred = ctx.bottom(0);
        int axis = ConvGeometry.canonical(ctx, pred, p.getInt("axis"));
        if (p.getLong("top_k") > pred.count() / Math.max(1, ctx.bottom(1).count())) {
            throw ctx.error("top_k (" + p.getLong("top_k") + ") must be less than or equal to the number of classes");
        }
        checkLabels(ctx, pred, ctx.bottom(1), axis);
        List<Shape> tops = new ArrayList<>();
        tops.add(Shape.scalar());
        if (ctx.topCount() > 1) {
            tops.add(Shape.of(pred.dim(axis)));
        }
        return tops;
    }

    private static Shape argMax(SetupContext ctx) {
        Message p = ctx.layer().params("argmax_param");
        Shape bottom = ctx.bottom(0);
        if (bottom.axes() == 0) {
            // ArgMaxLayer reads count(1) and shape(0), which CHECK-fail on a scalar
            throw ctx.error("ArgMax needs a bottom with at least 1 axis, found a scalar");
        }
        int topK = p.getInt("top_k");
        if (topK < 1) {
            throw ctx.error("argmax_param.top_k must be at least 1");
        }
        int[] top = new int[Math.max(3, bottom.axes())];
        java.util.Arrays.fill(top, 1);
        if (p.has("axis")) {
            int axis = ConvGeometry.canonical(ctx, bottom, p.getInt("axis"));
            if (topK > bottom.dim(axis)) {
                throw ctx.error("top_k (" + topK + ") must be at most the dimension of the argmax axis (" + bottom.dim(axis) + ")");
            }
            top = bottom.dims();
            top[axis] = topK;
        } else {
            if (topK > bottom.count(1)) {
                throw ctx.error("top_k (" + topK + ") must be at most the number of classes (" + bottom.count(1) + ")");
            }
            top[0] = bottom.dim(0);
            top[2] = topK;
            if (p.getBool("out_max_val")) {
                top[1] = 2;
            }
        }
        return Shape.of(top);
    }

    private static Shape reduction(SetupContext ctx) {
        Shape bottom = ctx.bottom(0);
        int axis = ConvGeometry.canonical(ctx, bottom, ctx.layer().params("reduction_param").getInt("axis"));
        return Shape.of(java.util.Arrays.copyOfRange(bottom.dims(), 0, axis));
    }
}
