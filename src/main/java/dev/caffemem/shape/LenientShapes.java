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
 * With {@code --lenient}, a layer type the estimator does not know and whose tops the user did not declare: assumed
 * shape-preserving (top i takes bottom i's shape, or bottom 0's where there are more tops than bottoms), with no
 * parameters, no buffers and no backward of its own. A guess, and the estimate's notes say so.
 */
public final class LenientShapes implements LayerKind {

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.range(0, -1, 0, -1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        if (ctx.bottoms().isEmpty() && ctx.topCount() > 0) {
            throw ctx.error("unknown layer type \"" + ctx.layer().type() + "\" has no bottom to take a shape from, even"
                    + " under --lenient; declare its tops with --top-shape " + ctx.top(0) + "=DIMS (N stands for the batch)");
        }
        List<Shape> tops = new ArrayList<>();
        for (int i = 0; i < ctx.topCount(); i++) {
            tops.add(ctx.bottom(i < ctx.bottoms().size() ? i : 0));
        }
        return LayerShapes.of(tops);
    }
}
