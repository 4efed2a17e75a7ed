package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.List;

/**
 * caffe-fast-rcnn's ROIPooling (rbgirshick/caffe-fast-rcnn, src/caffe/layers/roi_pooling_layer.cpp): max pooling
 * of each region (bottom 1, R x 5) of the feature map (bottom 0) into pooled_h x pooled_w: an R x C x ph x pw top.
 */
final class RoiPoolingShapes implements LayerKind {

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.exact(2, 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Message p = ctx.layer().params("roi_pooling_param");
        if (p.getLong("pooled_h") <= 0 || p.getLong("pooled_w") <= 0) {
            throw ctx.error("roi_pooling_param: pooled_h and pooled_w must be > 0");
        }
        int regions = Legacy.dim(ctx, ctx.bottom(1), Legacy.NUM);
        int channels = Legacy.dim(ctx, ctx.bottom(0), Legacy.CHANNELS);
        return LayerShapes.of(List.of(Shape.of(regions, channels, Math.toIntExact(p.getLong("pooled_h")),
                Math.toIntExact(p.getLong("pooled_w")))));
    }
}
