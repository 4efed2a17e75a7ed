package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.Collections;

/** Pooling ({@code PoolingLayer::LayerSetUp/Reshape}, src/caffe/layers/pooling_layer.cpp), with Caffe's ceil rule. */
final class PoolingShapes implements LayerKind {

    /** Kernel, pad and stride of a pooling layer as Caffe resolves them for a 4-D bottom. */
    record Window(int kernelH, int kernelW, int padH, int padW, int strideH, int strideW, int outH, int outW) {
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        boolean max = layer.params("pooling_param").getEnum("pool").equals("MAX");
        return BlobCounts.range(1, 1, 1, max ? 2 : 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Shape bottom = ctx.bottom(0);
        Window w = window(ctx, ctx.layer().params("pooling_param"), bottom);
        Shape top = Shape.of(bottom.dim(0), bottom.dim(1), w.outH(), w.outW());
        return LayerShapes.of(Collections.nCopies(ctx.topCount(), top));
    }

    static Window window(SetupContext ctx, Message p, Shape bottom) {
        if (bottom.axes() != 4) {
            // PoolingLayer::LayerSetUp's CHECK_EQ(4, bottom[0]->num_axes()), in its words
            throw ctx.error("Input must have 4 axes, corresponding to (num, channels, height, width); found "
                    + bottom.axes() + " (" + bottom.dimsString() + ")");
        }
        boolean global = p.getBool("global_pooling");
        boolean hasSize = p.has("kernel_size");
        boolean hasHW = p.has("kernel_h") && p.has("kernel_w");
        if (global) {
            if (hasSize || p.has("kernel_h") || p.has("kernel_w")) {
                throw ctx.error("with global_pooling: true the kernel size cannot be specified");
            }
        } else if (hasSize == hasHW) {
            throw ctx.error(hasSize ? "give kernel_size or kernel_h and kernel_w, not both"
                    : "pooling needs kernel_size, or both kernel_h and kernel_w");
        }
        if (p.has("pad") && (p.has("pad_h") || p.has("pad_w")) || p.has("pad_h") != p.has("pad_w")) {
            throw ctx.error("give pad, or both pad_h and pad_w");
        }
        if (p.has("stride") && (p.has("stride_h") || p.has("stride_w")) || p.has("stride_h") != p.has("stride_w")) {
            throw ctx.error("give stride, or both stride_h and stride_w");
        }
        int h = bottom.dim(2);
        int wd = bottom.dim(3);
        int kh = global ? h : hasSize ? p.getInt("kernel_size") : p.getInt("kernel_h");
        int kw = global ? wd : hasSize ? p.getInt("kernel_size") : p.getInt("kernel_w");
        if (kh <= 0 || kw <= 0) {
            throw ctx.error("filter dimensions cannot be zero");
        }
        int ph = p.has("pad_h") ? p.getInt("pad_h") : p.getInt("pad");
        int pw = p.has("pad_h") ? p.getInt("pad_w") : p.getInt("pad");
        int sh = p.has("stride_h") ? p.getInt("stride_h") : p.getInt("stride");
        int sw = p.has("stride_h") ? p.getInt("stride_w") : p.getInt("stride");
        if (global && (ph != 0 || pw != 0 || sh != 1 || sw != 1)) {
            throw ctx.error("with global_pooling: true only pad = 0 and stride = 1 are allowed");
        }
        if (sh <= 0 || sw <= 0) {
            throw ctx.error("stride must be positive");
        }
        if (ph != 0 || pw != 0) {
            if (p.getEnum("pool").equals("STOCHASTIC")) {
                throw ctx.error("padding is implemented only for AVE and MAX pooling");
            }
            if (ph >= kh || pw >= kw) {
                throw ctx.error("pad (" + ph + "x" + pw + ") must be smaller than the kernel (" + kh + "x" + kw + ")");
            }
        }
        int oh = pooled(h, kh, ph, sh);
        int ow = pooled(wd, kw, pw, sw);
        if (oh <= 0 || ow <= 0) {
            throw ctx.error("kernel " + kh + "x" + kw + " is larger than the padded input " + (h + 2 * ph) + "x"
                    + (wd + 2 * pw) + ": the output would be " + oh + "x" + ow);
        }
        return new Window(kh, kw, ph, pw, sh, sw, oh, ow);
    }

    /** Caffe's rule: ceil((in + 2p - k) / s) + 1, minus one when the last window would start in the padding. */
    static int pooled(int in, int k, int pad, int stride) {
        int out = (int) Math.ceil((float) (in + 2 * pad - k) / stride) + 1;
        if (pad != 0 && (out - 1) * stride >= in + pad) {
            out--;
        }
        return out;
    }
}
