package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scale and Bias: the top has bottom[0]'s shape; with one bottom the factor (or bias) is a learned blob
 * over axes [axis, axis + num_axes) of bottom[0]; Scale with bias_term adds a bias blob of that shape.
 */
final class ScaleShapes implements LayerKind {
    private final boolean scale;

    ScaleShapes(boolean scale) {
        this.scale = scale;
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.range(1, 2, 1, 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Message p = ctx.layer().params(scale ? "scale_param" : "bias_param");
        Shape bottom = ctx.bottom(0);
        Shape factor;
        if (ctx.bottoms().size() == 2) {
            factor = ctx.bottom(1);
            int axis = factor.axes() == 0 ? 0 : ConvGeometry.canonical(ctx, bottom, p.getInt("axis"));
            checkFits(ctx, bottom, factor, axis);
        } else {
            factor = learned(ctx, bottom, p);
        }
        List<Shape> params = new ArrayList<>();
        if (ctx.bottoms().size() == 1) {
            params.add(factor);
            Fillers.check(ctx, p.getMessage("filler"), factor, "filler");
        }
        if (scale && p.getBool("bias_term")) {
            params.add(factor);
            // the inner Bias layer is built with scale_param.bias_filler as its filler
            Fillers.check(ctx, p.getMessage("bias_filler"), factor, "bias_filler");
        }
        return new LayerShapes(List.of(bottom), params);
    }

    private static Shape learned(SetupContext ctx, Shape bottom, Message p) {
        int axis = ConvGeometry.canonical(ctx, bottom, p.getInt("axis"));
        int numAxes = p.getInt("num_axes");
        if (numAxes < -1) {
            throw ctx.error("num_axes must be non-negative, or -1 to extend to the end of bottom[0]");
        }
        // in long: num_axes near INT_MAX wrapped axis + num_axes negative, past this check, into a 2^31-element
        // copy. Caffe's int sum wraps too and then reads past the shape (src/caffe/layers/scale_layer.cpp,
        // bias_layer.cpp): refusing the layer is the only reading that makes sense.
        if (numAxes >= 0 && bottom.axes() < (long) axis + numAxes) {
            throw ctx.error((ctx.layer().type().equals("Bias") ? "bias" : "scale") + " blob's shape extends past "
                    + "bottom[0]'s shape when applied starting with bottom[0] axis = " + axis + " (num_axes " + numAxes + ")");
        }
        int end = numAxes == -1 ? bottom.axes() : axis + numAxes;
        return Shape.of(Arrays.copyOfRange(bottom.dims(), axis, end));
    }

    private static void checkFits(SetupContext ctx, Shape bottom, Shape factor, int axis) {
        if (bottom.axes() < axis + factor.axes()) {
            throw ctx.error("bottom[1] " + factor.dimsString() + " extends past bottom[0] " + bottom.dimsString()
                    + " from axis " + axis);
        }
        for (int i = 0; i < factor.axes(); i++) {
            if (bottom.dim(axis + i) != factor.dim(i)) {
                throw ctx.error("dimension mismatch between bottom[0]->shape(" + (axis + i) + ") and bottom[1]->shape("
                        + i + "): " + bottom.dim(axis + i) + " vs " + factor.dim(i));
            }
        }
    }
}
