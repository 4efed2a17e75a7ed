package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import java.util.List;

/**
 * SmoothL1Loss, which two forks define differently: caffe-fast-rcnn's (src/caffe/layers/smooth_L1_loss_layer.cpp
 * of rbgirshick/caffe-fast-rcnn: 2 or 4 bottoms, inside and outside weights, {@code smooth_l1_loss_param.sigma})
 * and SSD's (the same file in weiliu89/caffe ssd: 2 or 3 bottoms, no parameters). A layer with
 * smooth_l1_loss_param or 4 bottoms is caffe-fast-rcnn's; any other is SSD's. Both give a scalar loss.
 */
final class SmoothL1Shapes implements LayerKind {

    /** Whether this layer is caffe-fast-rcnn's SmoothL1Loss rather than SSD's. */
    public static boolean fastRcnn(LayerSpec layer) {
        return layer.param().has("smooth_l1_loss_param") || layer.bottoms().size() == 4;
    }

    @Override
    public boolean isLoss() {
        return true;
    }

    @Override
    public boolean allowForceBackward(int bottomIndex) {
        // both forks override LossLayer's rule: the gradient reaches both inputs
        return true;
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.range(2, fastRcnn(layer) ? 4 : 3, 1, 1).withAutoTop();
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        if (fastRcnn(ctx.layer()) && ctx.bottoms().size() == 3) {
            throw ctx.error("if weights are used, must specify both inside and outside weights (4 bottoms)");
        }
        Shape a = ctx.bottom(0);
        if (Legacy.dim(ctx, a, Legacy.NUM) != Legacy.dim(ctx, ctx.bottom(1), Legacy.NUM)) {
            throw ctx.error("the data and label should have the same number (" + a.dimsString() + " vs "
                    + ctx.bottom(1).dimsString() + ")");
        }
        for (int i = 1; i < ctx.bottoms().size(); i++) {
            Shape b = ctx.bottom(i);
            for (int axis = Legacy.CHANNELS; axis <= Legacy.WIDTH; axis++) {
                if (Legacy.dim(ctx, a, axis) != Legacy.dim(ctx, b, axis)) {
                    throw ctx.error("bottom " + i + " must match the predictions in channels, height and width ("
                            + b.dimsString() + " vs " + a.dimsString() + ")");
                }
            }
        }
        return LayerShapes.of(List.of(Shape.scalar()));
    }
}
