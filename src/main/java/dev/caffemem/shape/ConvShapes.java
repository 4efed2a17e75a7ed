package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Convolution and Deconvolution (N-d, groups, dilation); one top per bottom, all bottoms alike. */
final class ConvShapes implements LayerKind {
    private final boolean deconv;

    ConvShapes(boolean deconv) {
        this.deconv = deconv;
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.range(1, -1, 1, -1).withEqualBottomTop();
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        ConvGeometry g = ConvGeometry.of(ctx);
        Shape bottom = ctx.bottom(0);
        for (Shape other : ctx.bottoms()) {
            if (!other.equals(bottom)) {
                throw ctx.error("all bottoms must have the same shape (" + bottom.dimsString() + " vs " + other.dimsString() + ")");
            }
        }
        int[] top = new int[g.channelAxis() + 1 + g.spatialAxes()];
        for (int i = 0; i < g.channelAxis(); i++) {
            top[i] = bottom.dim(i);
        }
        top[g.channelAxis()] = g.numOutput();
        for (int i = 0; i < g.spatialAxes(); i++) {
            int in = bottom.dim(g.channelAxis() + 1 + i);
            top[g.channelAxis() + 1 + i] = deconv ? g.deconvOutput(ctx, i, in) : g.convOutput(ctx, i, in);
        }
        int outChannels = deconv ? g.channels() : g.numOutput();
        int inChannels = deconv ? g.numOutput() : g.channels();
        int[] weight = new int[2 + g.spatialAxes()];
        weight[0] = outChannels;
        weight[1] = inChannels / g.group();
        System.arraycopy(g.kernel(), 0, weight, 2, g.spatialAxes());
        List<Shape> params = new ArrayList<>();
        params.add(Shape.of(weight));
        Message p = ctx.layer().params("convolution_param");
        Fillers.check(ctx, p.getMessage("weight_filler"), params.get(0), "weight_filler");
        if (g.biasTerm()) {
            params.add(Shape.of(g.numOutput()));
            Fillers.check(ctx, p.getMessage("bias_filler"), params.get(1), "bias_filler");
        }
        return new LayerShapes(Collections.nCopies(ctx.topCount(), Shape.of(top)), params);
    }
}
