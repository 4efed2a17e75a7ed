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
 * A layer type the estimator does not model (e.g. Python), whose top shapes the user declared with
 * {@code --top-shape}. It is assumed to own no parameters and no hidden buffers, and to need no
 * backward pass of its own beyond what its bottoms require.
 */
final class DeclaredShapes implements LayerKind {

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.range(0, -1, 0, -1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        int batch = ctx.overrides().batch() != null ? ctx.overrides().batch()
                : ctx.bottoms().isEmpty() || ctx.bottom(0).axes() == 0 ? 1 : ctx.bottom(0).dim(0);
        List<Shape> tops = new ArrayList<>();
        for (int i = 0; i < ctx.topCount(); i++) {
            List<String> dims = ctx.overrides().declaredTops().get(ctx.top(i));
            List<Integer> resolved = new ArrayList<>();
            for (String d : dims) {
                resolved.add(d.equals("N") ? batch : Integer.parseInt(d));
            }
            tops.add(Shape.of(resolved));
        }
        return LayerShapes.of(tops);
    }
}
