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

/** Flatten and Reshape: same data, new shape (the top shares data and diff with its bottom). */
final class ReshapeShapes implements LayerKind {
    private final boolean flatten;

    ReshapeShapes(boolean flatten) {
        this.flatten = flatten;
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.exact(1, 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        if (ctx.layer().bottoms().get(0).equals(ctx.top(0))) {
            throw ctx.error(ctx.layer().type() + " does not allow in-place computation");
        }
        return LayerShapes.of(List.of(flatten ? flatten(ctx) : reshape(ctx)));
    }

    private static Shape flatten(SetupContext ctx) {
        Message p = ctx.layer().params("flatten_param");
        Shape bottom = ctx.bottom(0);
        int start = ConvGeometry.canonical(ctx, bottom, p.getInt("axis"));
        int end = ConvGeometry.canonical(ctx, bottom, p.getInt("end_axis"));
        if (end < start) {
            // Blob::count(start, end + 1) CHECK-fails when the end comes first
            throw ctx.error("flatten_param end_axis (" + end + ") comes before axis (" + start + ")");
        }
        List<Integer> top = new ArrayList<>();
        for (int i = 0; i < start; i++) {
            top.add(bottom.dim(i));
        }
        top.add(Math.toIntExact(bottom.count(start, end + 1)));
        for (int i = end + 1; i < bottom.axes(); i++) {
            top.add(bottom.dim(i));
        }
        return Shape.of(top);
    }

    /** {@code ReshapeLayer::Reshape}: 0 copies a bottom dimension, a single -1 is inferred. */
    private static Shape reshape(SetupContext ctx) {
        Message p = ctx.layer().params("reshape_param");
        Shape bottom = ctx.bottom(0);
        List<Long> newDims = p.getMessage("shape").getLongs("dim");
        int inputAxis = p.getInt("axis");
        int start = inputAxis >= 0 ? inputAxis : bottom.axes() + inputAxis + 1;
        if (start < 0 || start > bottom.axes()) {
            throw ctx.error("reshape_param.axis " + inputAxis + " out of range for a " + bottom.axes() + "-axis bottom");
        }
        int numAxes = p.getInt("num_axes");
        if (numAxes < -1) {
            throw ctx.error("reshape_param.num_axes must be >= 0, or -1 for all");
        }
        long end = numAxes == -1 ? bottom.axes() : (long) start + numAxes; // long: num_axes may be near INT_MAX
        if (end > bottom.axes()) {
            throw ctx.error("reshape_param axis + num_axes (" + end + ") exceeds the bottom's " + bottom.axes() + " axes");
        }
        int inferred = -1;
        long constant = 1;
        List<Integer> top = new ArrayList<>();
        for (int i = 0; i < start; i++) {
            top.add(bottom.dim(i));
        }
        for (int i = 0; i < newDims.size(); i++) {
            long d = newDims.get(i);
            if (d == 0) {
                if (start + i >= bottom.axes()) {
                    throw ctx.error("new shape contains a 0, but there was no corresponding bottom axis to copy");
                }
                top.add(bottom.dim(start + i));
            } else if (d == -1) {
                if (inferred >= 0) {
                    throw ctx.error("new shape contains multiple -1 dims; at most one -1 may be specified");
                }
                inferred = i;
                top.add(-1);
            } else if (d < -1) {
                throw ctx.error("new shape has a negative dimension " + d);
            } else {
                constant *= d;
                top.add(Math.toIntExact(d));
            }
        }
        for (int i = (int) end; i < bottom.axes(); i++) {
            top.add(bottom.dim(i));
        }
        if (inferred >= 0) {
            long explicit = 1;
            for (int i = 0; i < top.size(); i++) {
                if (i != start + inferred) {
                    explicit *= top.get(i);
                }
            }
            if (explicit == 0 || bottom.count() % explicit != 0) {
                throw ctx.error("bottom count (" + bottom.count() + ") must be divisible by the product of the"
                        + " specified dimensions (" + explicit + ")");
            }
            top.set(start + inferred, Math.toIntExact(bottom.count() / explicit));
        }
        Shape shape = Shape.of(top);
        if (shape.count() != bottom.count()) {
            throw ctx.error("output count (" + shape.count() + ", shape " + shape.dimsString()
                    + ") must match input count (" + bottom.count() + ", shape " + bottom.dimsString() + ")");
        }
        return shape;
    }
}
