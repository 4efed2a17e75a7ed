package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import java.util.List;

/**
 * LSTMUnit, one LSTM timestep ({@code LSTMUnitLayer::Reshape}, src/caffe/layers/lstm_unit_layer.cpp):
 * bottoms c_{t-1} (1 x N x D), the gate inputs (1 x N x 4D) and cont (1 x N); tops c_t and h_t, each
 * shaped like c_{t-1}.
 */
final class LstmUnitShapes implements LayerKind {

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.exact(3, 2);
    }

    /** Caffe cannot propagate to the sequence continuation indicators. */
    @Override
    public boolean allowForceBackward(int bottomIndex) {
        return bottomIndex != 2;
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Shape c = ctx.bottom(0);
        if (c.axes() < 2) {
            throw ctx.error("bottom[0] must have 3 axes (1 x N x D), found " + c.dimsString());
        }
        int n = c.dim(1);
        for (int i = 0; i < 3; i++) {
            Shape b = ctx.bottom(i);
            int axes = i == 2 ? 2 : 3;
            if (b.axes() != axes || b.dim(0) != 1 || b.dim(1) != n) {
                throw ctx.error("bottom[" + i + "] must be 1 x " + n + (i == 2 ? "" : " x D") + " (" + axes + " axes: one"
                        + " timestep of the " + n + " streams), found " + b.dimsString());
            }
        }
        int d = c.dim(2);
        if (ctx.bottom(1).dim(2) != 4 * d) {
            throw ctx.error("bottom[1] must hold the 4 gate inputs of each of the " + d + " hidden units (4 x " + d + " = "
                    + 4 * d + "), found " + ctx.bottom(1).dim(2));
        }
        return LayerShapes.of(List.of(c, c));
    }
}
