package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import java.util.List;

/**
 * SSD's Normalize (weiliu89/caffe ssd, src/caffe/layers/normalize_layer.cpp): L2 normalization across channels
 * (and space, with across_spatial), then a learned scale: one value ({@code channel_shared}) or one per channel.
 */
final class NormalizeShapes implements LayerKind {

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.exact(1, 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Shape bottom = ctx.bottom(0);
        if (bottom.axes() < 2) {
            throw ctx.error("Normalize needs a bottom with at least 2 axes, found " + bottom.dimsString());
        }
        int channels = Legacy.dim(ctx, bottom, Legacy.CHANNELS);
        boolean shared = ctx.layer().params("norm_param").getBool("channel_shared");
        return new LayerShapes(List.of(bottom), List.of(shared ? Shape.scalar() : Shape.of(channels)));
    }
}
