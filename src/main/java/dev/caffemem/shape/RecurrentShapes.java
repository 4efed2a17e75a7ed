package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * LSTM and RNN ({@code RecurrentLayer}, src/caffe/layers/recurrent_layer.cpp): bottoms x (T x N x ...),
 * cont (T x N), an optional static input (N x ...) and, with expose_hidden, the hidden state at t = 0;
 * tops the output (T x N x num_output) and, with expose_hidden, the hidden state at t = T. The layer's
 * parameters are the unrolled net's unshared ones; its shapes are the unrolled net's.
 */
final class RecurrentShapes implements LayerKind {
    private final String type;

    RecurrentShapes(String type) {
        this.type = type;
    }

    private int exposed(LayerSpec layer) {
        return layer.params("recurrent_param").getBool("expose_hidden") ? UnrolledNet.recurrentInputs(type).size() : 0;
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        int min = 2 + exposed(layer);
        return BlobCounts.range(min, min + 1, 1 + exposed(layer), 1 + exposed(layer));
    }

    /** Caffe cannot propagate to the sequence continuation indicators. */
    @Override
    public boolean allowForceBackward(int bottomIndex) {
        return bottomIndex != 1;
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Shape x = ctx.bottom(0);
        Shape cont = ctx.bottom(1);
        if (x.axes() < 2) {
            throw ctx.error("bottom[0] must have at least 2 axes -- (#timesteps, #streams, ...); found " + x.dimsString());
        }
        if (cont.axes() != 2) {
            throw ctx.error("bottom[1] must have exactly 2 axes -- (#timesteps, #streams); found " + cont.dimsString());
        }
        if (cont.dim(0) != x.dim(0) || cont.dim(1) != x.dim(1)) {
            throw ctx.error("bottom[1] (" + cont.dimsString() + ") must give one continuation indicator per timestep"
                    + " and stream of bottom[0] (" + x.dimsString() + ")");
        }
        int exposed = exposed(ctx.layer());
        boolean staticInput = ctx.bottoms().size() > 2 + exposed;
        if (staticInput && (ctx.bottom(2).axes() < 1 || ctx.bottom(2).dim(0) != x.dim(1))) {
            throw ctx.error("the static input bottom[2] (" + ctx.bottom(2).dimsString() + ") must have the " + x.dim(1)
                    + " streams of bottom[0] as its first axis");
        }
        NetGraph unrolled = UnrolledNet.graph(ctx.layer(), ctx.bottoms());
        List<Shape> tops = new ArrayList<>();
        tops.add(shapeOf(unrolled, UnrolledNet.output(type)));
        if (exposed > 0) {
            List<String> inputs = UnrolledNet.recurrentInputs(type);
            for (int j = 0; j < exposed; j++) {
                Shape wanted = shapeOf(unrolled, inputs.get(j));
                Shape given = ctx.bottom(2 + (staticInput ? 1 : 0) + j);
                if (!given.equals(wanted)) {
                    throw ctx.error("bottom[" + (2 + (staticInput ? 1 : 0) + j) + "] shape must match hidden state input"
                            + " shape: " + wanted + " (found " + given + ")");
                }
            }
            for (String out : UnrolledNet.recurrentOutputs(type, x.dim(0))) {
                tops.add(shapeOf(unrolled, out));
            }
        }
        List<Shape> params = new ArrayList<>();
        for (NetGraph.Param p : unrolled.params()) {
            if (p.learnable()) {
                params.add(p.shape());
            }
        }
        return new LayerShapes(tops, params);
    }

    static Shape shapeOf(NetGraph graph, String blob) {
        for (NetGraph.Blob b : graph.blobs()) {
            if (b.name().equals(blob)) {
                return b.shape();
            }
        }
        throw new IllegalStateException("the unrolled net has no blob " + blob);
    }
}
