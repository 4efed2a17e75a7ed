package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import java.util.List;

/**
 * HDF5Output (src/caffe/layers/hdf5_output_layer.cpp): two bottoms, data and label, and no tops. Its
 * Forward copies them into 4-D blobs through the legacy num/channels/height/width accessors, which
 * refuse a blob of more than 4 axes, and checks that both have the same num.
 */
final class Hdf5OutputShapes implements LayerKind {

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.exact(2, 0);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        for (int i = 0; i < 2; i++) {
            if (ctx.bottom(i).axes() > 4) {
                throw ctx.error("bottom[" + i + "] has " + ctx.bottom(i).axes() + " axes (" + ctx.bottom(i).dimsString()
                        + "), and Forward reads it through num(), channels(), height(), width(): "
                        + Fillers.LEGACY_ACCESSORS);
            }
        }
        int dataNum = legacyNum(ctx.bottom(0));
        int labelNum = legacyNum(ctx.bottom(1));
        if (dataNum != labelNum) {
            throw ctx.error("data and label must have the same num (bottom[0]->num() " + dataNum + " vs bottom[1]->num() "
                    + labelNum + ")");
        }
        return LayerShapes.of(List.of());
    }

    /** {@code Blob::num()}: axis 0, or 1 for a blob without axes. */
    private static int legacyNum(Shape s) {
        return s.axes() == 0 ? 1 : s.dim(0);
    }
}
