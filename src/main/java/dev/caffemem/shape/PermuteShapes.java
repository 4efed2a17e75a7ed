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
 * SSD's Permute (weiliu89/caffe ssd, src/caffe/layers/permute_layer.cpp): the top's axes are the bottom's in
 * {@code permute_param.order}, the axes it leaves out following in their own order.
 */
final class PermuteShapes implements LayerKind {

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.exact(1, 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Shape bottom = ctx.bottom(0);
        int[] order = order(ctx, bottom.axes());
        int[] top = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            top[i] = bottom.dim(order[i]);
        }
        return LayerShapes.of(List.of(Shape.of(top)));
    }

    /** {@code PermuteLayer::LayerSetUp}'s order: the given axes, then the missing ones ascending. */
    static int[] order(SetupContext ctx, int axes) {
        List<Integer> orders = new ArrayList<>();
        for (long o : ctx.layer().params("permute_param").getLongs("order")) {
            if (o >= axes) {
                throw ctx.error("permute_param.order " + o + " should be less than the input dimension (" + axes + ")");
            }
            if (orders.contains((int) o)) {
                throw ctx.error("permute_param.order has duplicate orders (" + o + ")");
            }
            orders.add((int) o);
        }
        for (int i = 0; i < axes; i++) {
            if (!orders.contains(i)) {
                orders.add(i);
            }
        }
        return orders.stream().mapToInt(Integer::intValue).toArray();
    }
}
