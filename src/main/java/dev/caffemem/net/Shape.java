package dev.caffemem.net;

import java.util.Arrays;
import java.util.List;

/**
 * A blob shape, as Caffe's {@code Blob::shape()}: a list of non-negative dimensions.
 * An empty shape is a scalar blob with count 1 (Caffe's loss tops).
 * Counts are bounded by Caffe's INT_MAX check in {@code Blob::Reshape} (src/caffe/blob.cpp).
 */
public final class Shape {
    public static final long CAFFE_MAX_COUNT = Integer.MAX_VALUE;
    /** {@code kMaxBlobAxes} (include/caffe/blob.hpp), checked by {@code Blob::Reshape}. */
    public static final int CAFFE_MAX_AXES = 32;
    private static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /** @throws LayerSetupException for a dimension outside the int range (a prototxt's BlobShape is int64) */
    public static Shape of(List<? extends Number> dims) {
        int[] d = new int[dims.size()];
        for (int i = 0; i < d.length; i++) {
            long v = dims.get(i).longValue();
            if (v != (int) v) {
                // BlobShape.dim is int64, but Blob::Reshape keeps ints
                throw new LayerSetupException("dimension " + v + " does not fit in a 32-bit int (Caffe's blob dimensions are ints)");
            }
            d[i] = (int) v;
        }
        return d.length == 0 ? SCALAR : new Shape(d);
    }

    public static Shape scalar() {
        return SCALAR;
    }

    public int axes() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    /** Dimension at a possibly negative axis (Caffe's {@code shape(int)} with {@code CanonicalAxisIndex}). */
    public int dimAt(int axis) {
        return dims[canonicalAxis(axis)];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements, as a long so that overflow can be detected and reported rather than wrapped. */
    public long count() {
        return count(0, dims.length);
    }

    public long count(int startAxis) {
        return count(startAxis, dims.length);
    }

    /**
     * The product of dims[startAxis, endAxis). A product past Long.MAX_VALUE (five dims near INT_MAX)
     * saturates there instead of wrapping, so it can never pass for a small count; negative dims are
     * reported on their own by the callers that check shapes.
     */
    public long count(int startAxis, int endAxis) {
        long c = 1;
        boolean overflow = false;
        for (int i = startAxis; i < endAxis; i++) {
            if (dims[i] == 0) {
                return 0;
            }
            if (!overflow) {
                try {
                    c = Math.multiplyExact(c, dims[i]);
                } catch (ArithmeticException e) {
                    overflow = true;
                }
            }
        }
        return overflow ? Long.MAX_VALUE : c;
    }

    /**
     * Caffe's {@code Blob::CanonicalAxisIndex}: negative axes count from the end.
     *
     * @throws LayerSetupException when the axis is out of range, with Caffe's wording (the axis comes from a layer)
     */
    public int canonicalAxis(int axis) {
        if (axis < -dims.length || axis >= dims.length) {
            throw new LayerSetupException("axis " + axis + " out of range for " + dims.length
                    + "-D blob with shape " + this);
        }
        return axis < 0 ? axis + dims.length : axis;
    }

    public Shape withDim(int axis, int value) {
        int[] d = dims.clone();
        d[axis] = value;
        return new Shape(d);
    }

    /** The same shape with the first axis set to {@code batch}; a scalar stays a scalar. */
    public Shape withBatch(int batch) {
        return dims.length == 0 ? this : withDim(0, batch);
    }

    /** Caffe's {@code shape_string()} without the count: "32 3 224 224". */
    public String dimsString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(dims[i]);
        }
        return sb.toString();
    }

    /** Caffe's {@code shape_string()}: "32 3 224 224 (4816896)". */
    @Override
    public String toString() {
        String d = dimsString();
        return (d.isEmpty() ? "" : d + " ") + "(" + count() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }
}
