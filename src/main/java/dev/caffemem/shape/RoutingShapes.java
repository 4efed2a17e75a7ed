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

/**
 * Layers that combine, split or route blobs: Eltwise, Concat, Slice, Split, Crop, Tile, Silence, Filter,
 * BatchReindex.
 */
final class RoutingShapes implements LayerKind {
    private final String type;

    RoutingShapes(String type) {
        this.type = type;
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return switch (type) {
            case "Eltwise" -> BlobCounts.range(2, -1, 1, 1);
            case "Concat" -> BlobCounts.range(1, -1, 1, 1);
            case "Slice", "Split" -> BlobCounts.range(1, 1, 1, -1);
            case "Crop" -> BlobCounts.exact(2, 1);
            case "Tile" -> BlobCounts.exact(1, 1);
            case "Silence" -> BlobCounts.range(1, -1, 0, 0);
            case "Filter" -> BlobCounts.range(2, -1, 1, -1);
            case "BatchReindex" -> BlobCounts.exact(2, 1);
            default -> throw new IllegalStateException(type);
        };
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        return LayerShapes.of(switch (type) {
            case "Eltwise" -> eltwise(ctx);
            case "Concat" -> concat(ctx);
            case "Slice" -> slice(ctx);
            case "Split" -> {
                if (ctx.layer().bottoms().get(0).equals(ctx.top(0))) {
                    // SplitLayer::Reshape: CHECK_NE(top[i], bottom[0])
                    throw ctx.error("Split does not allow in-place computation");
                }
                yield Collections.nCopies(ctx.topCount(), ctx.bottom(0));
            }
            case "Crop" -> crop(ctx);
            case "Tile" -> tile(ctx);
            case "Silence" -> List.of();
            case "Filter" -> filter(ctx);
            case "BatchReindex" -> List.of(batchReindex(ctx));
            default -> throw new IllegalStateException(type);
        });
    }

    /** BatchReindexLayer::Reshape (src/caffe/layers/batch_reindex_layer.cpp): one item per index, in the index's order. */
    private static Shape batchReindex(SetupContext ctx) {
        Shape index = ctx.bottom(1);
        if (index.axes() != 1) {
            throw ctx.error("bottom[1], the indices, must have exactly 1 axis, found " + index.axes() + " ("
                    + index.dimsString() + ")");
        }
        int[] dims = ctx.bottom(0).dims();
        int[] top = new int[Math.max(1, dims.length)];
        System.arraycopy(dims, Math.min(1, dims.length), top, 1, Math.max(0, dims.length - 1));
        top[0] = index.dim(0);
        return Shape.of(top);
    }

    private static List<Shape> eltwise(SetupContext ctx) {
        Message p = ctx.layer().params("eltwise_param");
        if (p.count("coeff") != 0 && p.count("coeff") != ctx.bottoms().size()) {
            throw ctx.error("Eltwise needs one coeff per bottom blob (" + ctx.bottoms().size() + " bottoms, "
                    + p.count("coeff") + " coeffs)");
        }
        if (p.count("coeff") != 0 && !p.getEnum("operation").equals("SUM")) {
            throw ctx.error("Eltwise coeff is only allowed with operation SUM");
        }
        Shape first = ctx.bottom(0);
        for (int i = 1; i < ctx.bottoms().size(); i++) {
            if (!ctx.bottom(i).equals(first)) {
                throw ctx.error("bottom[" + i + "] has shape " + ctx.bottom(i).dimsString() + ", bottom[0] has "
                        + first.dimsString() + "; Eltwise needs equal shapes");
            }
        }
        return List.of(first);
    }

    private static List<Shape> concat(SetupContext ctx) {
        Message p = ctx.layer().params("concat_param");
        if (p.has("axis") && p.has("concat_dim")) {
            throw ctx.error("Either axis or concat_dim should be specified; not both.");
        }
        Shape first = ctx.bottom(0);
        int axis = p.has("concat_dim") ? p.getInt("concat_dim") : ConvGeometry.canonical(ctx, first, p.getInt("axis"));
        if (axis < 0 || axis >= first.axes()) {
            throw ctx.error("concat axis " + axis + " out of range for bottom shape " + first.dimsString());
        }
        int total = 0;
        for (int i = 0; i < ctx.bottoms().size(); i++) {
            Shape b = ctx.bottom(i);
            if (b.axes() != first.axes()) {
                throw ctx.error("all inputs must have the same number of axes (bottom[" + i + "] " + b.dimsString()
                        + " vs bottom[0] " + first.dimsString() + ")");
            }
            for (int j = 0; j < first.axes(); j++) {
                if (j != axis && b.dim(j) != first.dim(j)) {
                    throw ctx.error("all inputs must have the same shape except along the concat axis " + axis
                            + " (bottom[" + i + "] " + b.dimsString() + " vs bottom[0] " + first.dimsString() + ")");
                }
            }
            total = Math.addExact(total, b.dim(axis));
        }
        return List.of(first.withDim(axis, total));
    }

    private static List<Shape> slice(SetupContext ctx) {
        Message p = ctx.layer().params("slice_param");
        if (p.has("axis") && p.has("slice_dim")) {
            throw ctx.error("Either axis or slice_dim should be specified; not both.");
        }
        Shape bottom = ctx.bottom(0);
        int axis = p.has("slice_dim") ? p.getInt("slice_dim") : ConvGeometry.canonical(ctx, bottom, p.getInt("axis"));
        if (axis < 0 || axis >= bottom.axes()) {
            // SliceLayer::Reshape: CHECK_LT(slice_axis_, num_axes) "slice_dim out of range."
            throw ctx.error("slice axis " + axis + " out of range for bottom shape " + bottom.dimsString());
        }
        int n = ctx.topCount();
        int dim = bottom.dim(axis);
        List<Long> points = p.getLongs("slice_point");
        List<Shape> tops = new ArrayList<>();
        if (!points.isEmpty()) {
            if (points.size() != n - 1) {
                throw ctx.error("Slice needs " + (n - 1) + " slice_point values for " + n + " tops, found " + points.size());
            }
            long prev = 0;
            for (int i = 0; i <= points.size(); i++) {
                long next = i < points.size() ? points.get(i) : dim;
                if (next <= prev || next > dim) {
                    throw ctx.error("slice_point values must increase strictly inside (0, " + dim + "), found "
                            + points);
                }
                tops.add(bottom.withDim(axis, (int) (next - prev)));
                prev = next;
            }
        } else {
            if (dim % n != 0) {
                throw ctx.error("number of tops (" + n + ") must divide the slice axis size (" + dim + ")");
            }
            tops.addAll(Collections.nCopies(n, bottom.withDim(axis, dim / n)));
        }
        return tops;
    }

    private static List<Shape> crop(SetupContext ctx) {
        Message p = ctx.layer().params("crop_param");
        Shape a = ctx.bottom(0);
        Shape b = ctx.bottom(1);
        if (a.axes() != b.axes()) {
            throw ctx.error("Crop needs bottoms with the same number of axes (" + a.dimsString() + " vs " + b.dimsString() + ")");
        }
        int axis = ConvGeometry.canonical(ctx, a, p.getInt("axis"));
        List<Long> offsets = p.getLongs("offset");
        if (offsets.size() > 1 && offsets.size() != a.axes() - axis) {
            throw ctx.error("crop_param.offset must be given once, or once per cropped axis (" + (a.axes() - axis) + ")");
        }
        int[] top = a.dims();
        for (int i = axis; i < a.axes(); i++) {
            long offset = offsets.isEmpty() ? 0 : offsets.get(offsets.size() == 1 ? 0 : i - axis);
            if (a.dim(i) - offset < b.dim(i)) {
                throw ctx.error("invalid crop on axis " + i + ": bottom[0] " + a.dim(i) + " minus offset " + offset
                        + " is smaller than bottom[1] " + b.dim(i));
            }
            top[i] = b.dim(i);
        }
        return List.of(Shape.of(top));
    }

    private static List<Shape> tile(SetupContext ctx) {
        Message p = ctx.layer().params("tile_param");
        int tiles = p.getInt("tiles");
        if (tiles <= 0) {
            throw ctx.error("tile_param.tiles must be set and positive");
        }
        Shape bottom = ctx.bottom(0);
        int axis = ConvGeometry.canonical(ctx, bottom, p.getInt("axis"));
        return List.of(bottom.withDim(axis, Math.multiplyExact(bottom.dim(axis), tiles)));
    }

    /**
     * Filter keeps the items whose selector (last bottom) is non-zero, a number only known at run time;
     * the estimate assumes all are kept, which bounds the memory from above.
     */
    private static List<Shape> filter(SetupContext ctx) {
        int n = ctx.bottoms().size() - 1;
        if (ctx.topCount() != n) {
            throw ctx.error("Filter needs one top per filtered bottom (" + n + "), found " + ctx.topCount());
        }
        Shape selector = ctx.bottom(n);
        for (Shape b : ctx.bottoms()) {
            if (b.axes() == 0) {
                // FilterLayer::Reshape reads shape(0) of every bottom: a scalar CHECK-fails
                throw ctx.error("Filter needs bottoms with at least 1 axis, found a scalar");
            }
        }
        for (int i = 0; i < n; i++) {
            if (ctx.bottom(i).dim(0) != selector.dim(0)) {
                throw ctx.error("each filtered bottom must have as many items as the selector (" + selector.dim(0) + ")");
            }
        }
        return new ArrayList<>(ctx.bottoms().subList(0, n));
    }
}
