package dev.caffemem.shape;

import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;

/**
 * Caffe's legacy 4-D blob accessors (num, channels, height, width: {@code Blob::LegacyShape} in
 * include/caffe/blob.hpp), which the forks' layers use throughout: a missing axis reads as 1, and a
 * blob with more than 4 axes fails a CHECK.
 */
final class Legacy {
    static final int NUM = 0;
    static final int CHANNELS = 1;
    static final int HEIGHT = 2;
    static final int WIDTH = 3;

    private Legacy() {
    }

    static int dim(SetupContext ctx, Shape s, int axis) {
        if (s.axes() > 4) {
            throw ctx.error("reads its input with Caffe's legacy 4-D accessors, which refuse a blob with more than 4 axes ("
                    + s.dimsString() + ")");
        }
        return axis < s.axes() ? s.dim(axis) : 1;
    }
}
