package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.ArrayList;
import java.util.List;

/** InnerProduct (axis, transpose) and Embed: learned matrices over a flattened tail of the bottom. */
final class InnerProductShapes implements LayerKind {
    private final boolean embed;

    InnerProductShapes(boolean embed) {
        this.embed = embed;
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.exact(1, 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        return embed ? embed(ctx) : innerProduct(ctx);
    }

    private static LayerShapes innerProduct(SetupContext ctx) {
        Message p = ctx.layer().params("inner_product_param");
        int n = p.getInt("num_output");
        if (n <= 0) {
            throw ctx.error("inner_product_param.num_output must be set and positive");
        }
        Shape bottom = ctx.bottom(0);
        int axis = ConvGeometry.canonical(ctx, bottom, p.getInt("axis"));
        int k = Math.toIntExact(bottom.count(axis));
        int[] top = new int[axis + 1];
        for (int i = 0; i < axis; i++) {
            top[i] = bottom.dim(i);
        }
        top[axis] = n;
        List<Shape> params = new ArrayList<>();
        params.add(p.getBool("transpose") ? Shape.of(k, n) : Shape.of(n, k));
        if (p.getBool("bias_term")) {
            params.add(Shape.of(n));
        }
        fillers(ctx, p, params);
        return new LayerShapes(List.of(Shape.of(top)), params);
    }

    /** Both layers fill their weights with weight_filler and their bias with bias_filler in LayerSetUp. */
    private static void fillers(SetupContext ctx, Message p, List<Shape> params) {
        Fillers.check(ctx, p.getMessage("weight_filler"), params.get(0), "weight_filler");
        if (params.size() > 1) {
            Fillers.check(ctx, p.getMessage("bias_filler"), params.get(1), "bias_filler");
        }
    }

    private static LayerShapes embed(SetupContext ctx) {
        Message p = ctx.layer().params("embed_param");
        int n = p.getInt("num_output");
        int inputDim = p.getInt("input_dim");
        if (n <= 0 || inputDim <= 0) {
            throw ctx.error("embed_param needs num_output and input_dim, both positive");
        }
        Shape bottom = ctx.bottom(0);
        int[] top = new int[bottom.axes() + 1];
        System.arraycopy(bottom.dims(), 0, top, 0, bottom.axes());
        top[bottom.axes()] = n;
        List<Shape> params = new ArrayList<>();
        params.add(Shape.of(inputDim, n));
        if (p.getBool("bias_term")) {
            params.add(Shape.of(n));
        }
        fillers(ctx, p, params);
        return new LayerShapes(List.of(Shape.of(top)), params);
    }
}
