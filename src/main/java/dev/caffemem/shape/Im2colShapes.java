package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.List;

/**
 * Im2col ({@code Im2colLayer::LayerSetUp/Reshape}, src/caffe/layers/im2col_layer.cpp): the convolution's
 * column buffer as a top. The channel axis grows by the kernel's size, each spatial axis becomes the
 * convolution's output size (which must not be empty); num_output and group are not read.
 */
final class Im2colShapes implements LayerKind {

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.exact(1, 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Message p = ctx.layer().params("convolution_param");
        Shape bottom = ctx.bottom(0);
        int channelAxis = ConvGeometry.canonical(ctx, bottom, p.getInt("axis"));
        int spatial = bottom.axes() - channelAxis - 1;
        if (spatial < 1) {
            throw ctx.error("needs at least one spatial axis after the channel axis " + channelAxis + " (bottom "
                    + bottom.dimsString() + ")");
        }
        int[] kernel = ConvGeometry.perAxis(ctx, p, "kernel_size", "kernel_h", "kernel_w", spatial, -1);
        int[] stride = ConvGeometry.perAxis(ctx, p, "stride", "stride_h", "stride_w", spatial, 1);
        int[] pad = ConvGeometry.perAxis(ctx, p, "pad", "pad_h", "pad_w", spatial, 0);
        int[] dilation = ConvGeometry.perAxis(ctx, p, "dilation", null, null, spatial, 1);
        int[] top = bottom.dims();
        for (int i = 0; i < spatial; i++) {
            if (kernel[i] <= 0) {
                throw ctx.error("Filter dimensions must be nonzero (kernel " + ConvGeometry.join(kernel) + ")");
            }
            if (stride[i] <= 0) {
                throw ctx.error("Stride dimensions must be nonzero (stride " + ConvGeometry.join(stride) + ")");
            }
            top[channelAxis] = Math.multiplyExact(top[channelAxis], kernel[i]);
            int extent = dilation[i] * (kernel[i] - 1) + 1;
            int input = bottom.dim(channelAxis + 1 + i);
            int out = (input + 2 * pad[i] - extent) / stride[i] + 1;
            if (out <= 0) {
                // Reshape checks nothing here: a negative size fails Blob::Reshape, and an empty top has no
                // storage, so Forward's mutable_cpu_data() fails CHECK(data_)
                throw ctx.error("kernel (extent " + extent + " on spatial axis " + i + ") is larger than the padded input ("
                        + input + " + 2 x pad " + pad[i] + "): the output would be " + out + " wide");
            }
            top[channelAxis + 1 + i] = out;
        }
        return LayerShapes.of(List.of(Shape.of(top)));
    }
}
