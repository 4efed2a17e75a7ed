package dev.caffemem.shape;

import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.List;

/**
 * The geometry {@code BaseConvolutionLayer::LayerSetUp} derives from a ConvolutionParameter and the
 * bottom shape (src/caffe/layers/base_conv_layer.cpp): per spatial axis kernel, stride, pad, dilation.
 */
public record ConvGeometry(int channelAxis, int[] kernel, int[] stride, int[] pad, int[] dilation,
                           int channels, int numOutput, int group, boolean biasTerm, boolean is1x1) {

    public static ConvGeometry of(SetupContext ctx) {
        Message p = ctx.layer().params("convolution_param");
        Shape bottom = ctx.bottom(0);
        int channelAxis = canonical(ctx, bottom, p.getInt("axis"));
        int spatial = bottom.axes() - channelAxis - 1;
        int[] kernel = perAxis(ctx, p, "kernel_size", "kernel_h", "kernel_w", spatial, -1);
        for (int k : kernel) {
            if (k <= 0) {
                throw ctx.error("filter dimensions must be nonzero (kernel " + join(kernel) + ")");
            }
        }
        int[] stride = perAxis(ctx, p, "stride", "stride_h", "stride_w", spatial, 1);
        for (int s : stride) {
            if (s <= 0) {
                throw ctx.error("stride must be positive (stride " + join(stride) + ")");
            }
        }
        int[] pad = perAxis(ctx, p, "pad", "pad_h", "pad_w", spatial, 0);
        int[] dilation = perAxis(ctx, p, "dilation", null, null, spatial, 1);
        boolean is1x1 = true;
        for (int i = 0; i < spatial; i++) {
            is1x1 &= kernel[i] == 1 && stride[i] == 1 && pad[i] == 0;
        }
        int channels = bottom.dim(channelAxis);
        int numOutput = p.getInt("num_output");
        if (numOutput <= 0) {
            throw ctx.error("convolution_param.num_output must be set and positive");
        }
        int group = p.getInt("group");
        if (group <= 0 || channels % group != 0) {
            throw ctx.error("input channels (" + channels + ") must be a multiple of group (" + group + ")");
        }
        if (numOutput % group != 0) {
            throw ctx.error("num_output (" + numOutput + ") must be a multiple of group (" + group + ")");
        }
        return new ConvGeometry(channelAxis, kernel, stride, pad, dilation, channels, numOutput, group,
                p.getBool("bias_term"), is1x1);
    }

    public int spatialAxes() {
        return kernel.length;
    }

    public long kernelCount() {
        long c = 1;
        for (int k : kernel) {
            c *= k;
        }
        return c;
    }

    /** Output size along spatial axis i ({@code ConvolutionLayer::compute_output_shape}). */
    public int convOutput(SetupContext ctx, int i, int input) {
        int extent = dilation[i] * (kernel[i] - 1) + 1;
        int out = (input + 2 * pad[i] - extent) / stride[i] + 1;
        if (out <= 0) {
            throw ctx.error("kernel (extent " + extent + " on spatial axis " + i + ") is larger than the padded input ("
                    + input + " + 2 x pad " + pad[i] + "): the output would be " + out + " wide");
        }
        return out;
    }

    /** {@code DeconvolutionLayer::compute_output_shape}. */
    public int deconvOutput(SetupContext ctx, int i, int input) {
        int extent = dilation[i] * (kernel[i] - 1) + 1;
        int out = stride[i] * (input - 1) + extent - 2 * pad[i];
        if (out <= 0) {
            throw ctx.error("padding (" + pad[i] + ") leaves no output on spatial axis " + i + " (output " + out + ")");
        }
        return out;
    }

    static int[] perAxis(SetupContext ctx, Message p, String repeated, String h, String w, int spatial, int dflt) {
        if (h != null && (p.has(h) || p.has(w))) {
            if (spatial != 2) {
                throw ctx.error(h + " and " + w + " can only be used for 2D convolution (" + spatial + " spatial axes)");
            }
            if (p.count(repeated) != 0) {
                throw ctx.error("give either " + repeated + " or " + h + "/" + w + ", not both");
            }
            return new int[] {p.getInt(h), p.getInt(w)};
        }
        List<Long> values = p.getLongs(repeated);
        int n = values.size();
        if (n == 0 && dflt < 0) {
            throw ctx.error("convolution_param needs kernel_size (or kernel_h and kernel_w)");
        }
        if (!(n == 0 || n == 1 || n == spatial)) {
            throw ctx.error(repeated + " must be specified once, or once per spatial dimension (" + repeated
                    + " specified " + n + " times; " + spatial + " spatial dims)");
        }
        int[] out = new int[spatial];
        for (int i = 0; i < spatial; i++) {
            out[i] = n == 0 ? dflt : Math.toIntExact(values.get(n == 1 ? 0 : i));
        }
        return out;
    }

    /** Caffe's CanonicalAxisIndex; an axis out of range is a {@link dev.caffemem.net.LayerSetupException}. */
    static int canonical(SetupContext ctx, Shape shape, int axis) {
        return shape.canonicalAxis(axis);
    }

    static String join(int[] values) {
        StringBuilder sb = new StringBuilder();
        for (int v : values) {
            sb.append(sb.length() == 0 ? "" : "x").append(v);
        }
        return sb.toString();
    }
}
