package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import java.util.List;

/**
 * Layers whose single top has the bottom's shape: the neurons (ReLU, PReLU, ELU, Sigmoid, TanH,
 * AbsVal, BNLL, Power, Exp, Log, Threshold, Dropout), LRN, BatchNorm, MVN and Softmax.
 * PReLU and BatchNorm also own parameter blobs.
 */
final class SameShapes implements LayerKind {
    private final String type;

    SameShapes(String type) {
        this.type = type;
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.exact(1, 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Shape bottom = ctx.bottom(0);
        if (type.equals("AbsVal") && ctx.layer().bottoms().get(0).equals(ctx.top(0))) {
            // AbsValLayer::LayerSetUp: CHECK_NE(top[0], bottom[0])
            throw ctx.error("AbsVal does not allow in-place computation");
        }
        return switch (type) {
            case "PReLU" -> prelu(ctx, bottom);
            case "BatchNorm" -> batchNorm(ctx, bottom);
            case "LRN" -> lrn(ctx, bottom);
            case "Softmax" -> {
                // SoftmaxLayer::Reshape: CanonicalAxisIndex CHECK-fails on an axis the bottom lacks
                ConvGeometry.canonical(ctx, bottom, ctx.layer().params("softmax_param").getInt("axis"));
                yield LayerShapes.of(List.of(bottom));
            }
            default -> LayerShapes.of(List.of(bottom));
        };
    }

    private static LayerShapes prelu(SetupContext ctx, Shape bottom) {
        if (bottom.axes() < 2) {
            throw ctx.error("PReLU needs a bottom with at least 2 axes, found " + bottom.dimsString());
        }
        boolean shared = ctx.layer().params("prelu_param").getBool("channel_shared");
        Shape slope = shared ? Shape.scalar() : Shape.of(bottom.dim(1));
        Fillers.check(ctx, ctx.layer().params("prelu_param").getMessage("filler"), slope, "filler");
        return new LayerShapes(List.of(bottom), List.of(slope));
    }

    private static LayerShapes batchNorm(SetupContext ctx, Shape bottom) {
        if (bottom.axes() == 0) {
            // BatchNormLayer::LayerSetUp reads shape(1), which CHECK-fails on a scalar (e.g. a loss top)
            throw ctx.error("BatchNorm needs a bottom with at least 1 axis, found a scalar");
        }
        int channels = bottom.axes() == 1 ? 1 : bottom.dim(1);
        return new LayerShapes(List.of(bottom), List.of(Shape.of(channels), Shape.of(channels), Shape.of(1)));
    }

    private static LayerShapes lrn(SetupContext ctx, Shape bottom) {
        if (bottom.axes() != 4) {
            throw ctx.error("LRN input must have 4 axes (num, channels, height, width), found " + bottom.dimsString());
        }
        long size = ctx.layer().params("lrn_param").getLong("local_size");
        if (size % 2 == 0) {
            throw ctx.error("LRN only supports odd values for local_size (found " + size + ")");
        }
        return LayerShapes.of(List.of(bottom));
    }
}
