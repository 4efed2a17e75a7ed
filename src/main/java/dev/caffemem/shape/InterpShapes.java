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
 * DeepLab's and PSPNet's Interp (hszhao/PSPNet, src/caffe/layers/interp_layer.cpp): bilinear resizing of each
 * channel. The output size comes from whichever of shrink_factor, zoom_factor and height/width are <em>set</em>
 * (protobuf's has_*, not their values), after cropping by the non-positive pad_beg and pad_end.
 */
final class InterpShapes implements LayerKind {

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.exact(1, 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Message p = ctx.layer().params("interp_param");
        int padBeg = p.getInt("pad_beg");
        int padEnd = p.getInt("pad_end");
        if (padBeg > 0 || padEnd > 0) {
            throw ctx.error("interp_param: only non-positive padding (cropping) is supported (pad_beg " + padBeg
                    + ", pad_end " + padEnd + ")");
        }
        Shape bottom = ctx.bottom(0);
        int heightIn = Legacy.dim(ctx, bottom, Legacy.HEIGHT) + padBeg + padEnd;
        int widthIn = Legacy.dim(ctx, bottom, Legacy.WIDTH) + padBeg + padEnd;
        int[] out = outputSize(ctx, p, heightIn, widthIn);
        if (heightIn <= 0 || widthIn <= 0 || out[0] <= 0 || out[1] <= 0) {
            throw ctx.error("interp: height and width should be positive (input " + heightIn + "x" + widthIn
                    + " after padding, output " + out[0] + "x" + out[1] + ")");
        }
        return LayerShapes.of(List.of(Shape.of(Legacy.dim(ctx, bottom, Legacy.NUM),
                Legacy.dim(ctx, bottom, Legacy.CHANNELS), out[0], out[1])));
    }

    private static int[] outputSize(SetupContext ctx, Message p, int h, int w) {
        boolean shrink = p.has("shrink_factor");
        boolean zoom = p.has("zoom_factor");
        if (shrink && p.getInt("shrink_factor") < 1 || zoom && p.getInt("zoom_factor") < 1) {
            throw ctx.error("interp_param: shrink_factor and zoom_factor must be positive");
        }
        if (shrink && !zoom) {
            return new int[] {shrunk(h, p), shrunk(w, p)};
        }
        if (zoom && !shrink) {
            return new int[] {zoomed(h, p), zoomed(w, p)};
        }
        if (p.has("height") && p.has("width")) {
            return new int[] {p.getInt("height"), p.getInt("width")};
        }
        if (shrink) {
            return new int[] {zoomed(shrunk(h, p), p), zoomed(shrunk(w, p), p)};
        }
        // InterpLayer::Reshape ends in a bare LOG(FATAL)
        throw ctx.error("interp_param needs zoom_factor, shrink_factor, or both height and width");
    }

    private static int shrunk(int size, Message p) {
        return (size - 1) / p.getInt("shrink_factor") + 1;
    }

    private static int zoomed(int size, Message p) {
        return size + (size - 1) * (p.getInt("zoom_factor") - 1);
    }
}
