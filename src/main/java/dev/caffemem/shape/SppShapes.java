package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * SPP (src/caffe/layers/spp_layer.cpp): pyramid level l pools into 2^l x 2^l bins with kernel
 * ceil(H / bins), pad (kernel x bins - H + 1) / 2 and stride = kernel. One level gives the pooling
 * output itself (4-D); more levels are flattened and concatenated to (N, C x sum of bins).
 */
public final class SppShapes implements LayerKind {

    /** Output height and width of one pyramid level. */
    public record Level(int height, int width) {
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.exact(1, 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Shape bottom = ctx.bottom(0);
        if (bottom.axes() != 4) {
            throw ctx.error("SPP input must have 4 axes (num, channels, height, width), found " + bottom.dimsString());
        }
        int height = ctx.layer().params("spp_param").getInt("pyramid_height");
        if (height <= 0) {
            throw ctx.error("spp_param.pyramid_height must be set and positive");
        }
        if (height > 31) {
            // level l has 2^l bins per side; past level 30 no int-sized input has enough pixels, and Caffe's
            // pooling pad < kernel check fails there (tested first: the levels loop would run for ages)
            throw ctx.error("pyramid level too fine for a " + bottom.dim(2) + "x" + bottom.dim(3)
                    + " input (pyramid_height " + height + ")");
        }
        List<Level> levels = levels(bottom, height);
        for (Level l : levels) {
            if (l.height() <= 0 || l.width() <= 0) {
                throw ctx.error("pyramid level too fine for a " + bottom.dim(2) + "x" + bottom.dim(3) + " input");
            }
        }
        if (height == 1) {
            Level l = levels.get(0);
            return LayerShapes.of(List.of(Shape.of(bottom.dim(0), bottom.dim(1), l.height(), l.width())));
        }
        long bins = 0;
        for (Level l : levels) {
            bins += (long) l.height() * l.width();
        }
        return LayerShapes.of(List.of(Shape.of(bottom.dim(0), Math.toIntExact(bottom.dim(1) * bins))));
    }

    /** Each level's pooled size, or a non-positive size where Caffe's pad < kernel check would fail. */
    public static List<Level> levels(Shape bottom, int pyramidHeight) {
        List<Level> out = new ArrayList<>();
        for (int l = 0; l < pyramidHeight; l++) {
            int bins = 1 << l;
            out.add(new Level(level(bottom.dim(2), bins), level(bottom.dim(3), bins)));
        }
        return out;
    }

    private static int level(int in, int bins) {
        int kernel = (int) Math.ceil(in / (double) bins);
        int pad = (kernel * bins - in + 1) / 2;
        if (pad >= kernel) {
            return 0;
        }
        return PoolingShapes.pooled(in, kernel, pad, kernel);
    }
}
