package dev.caffemem.model;

import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.List;

/**
 * Convolution and Deconvolution, Caffe engine (src/caffe/layers/base_conv_layer.cpp, conv_layer.cpp,
 * deconv_layer.cpp). One image's column buffer is shared by all images and bottoms. Backward takes
 * the bottom diff pointer unconditionally, so even an input image gets a diff.
 */
final class ConvBehavior implements LayerBehavior {
    private final boolean deconv;

    ConvBehavior(boolean deconv) {
        this.deconv = deconv;
    }

    /** Geometry re-derived from the shapes Net::Init settled (kernel from the weight blob). */
    private record Geometry(int channelAxis, int spatial, long kernel, boolean is1x1, boolean bias) {
    }

    private static Geometry geometry(LayerRun r) {
        Message p = r.params("convolution_param");
        Shape bottom = r.bottom(0).shape();
        int channelAxis = bottom.canonicalAxis(p.getInt("axis"));
        int spatial = bottom.axes() - channelAxis - 1;
        Shape weight = r.param(0).shape();
        boolean is1x1 = true;
        for (int i = 0; i < spatial; i++) {
            is1x1 &= weight.dim(2 + i) == 1 && value(p, "stride", "stride_h", "stride_w", i, spatial, 1) == 1
                    && value(p, "pad", "pad_h", "pad_w", i, spatial, 0) == 0;
        }
        return new Geometry(channelAxis, spatial, weight.count(2), is1x1, p.getBool("bias_term"));
    }

    private static long value(Message p, String repeated, String h, String w, int i, int spatial, int dflt) {
        if (p.has(h) || p.has(w)) {
            return i == 0 ? p.getLong(h) : p.getLong(w);
        }
        List<Long> v = p.getLongs(repeated);
        return v.isEmpty() ? dflt : v.get(v.size() == 1 ? 0 : i);
    }

    /** col_buffer_: [kernel_dim x group, spatial...] = C_in (or num_output) x prod(kernel) x prod(spatial). */
    private long columnCount(LayerRun r, Geometry g) {
        Shape bottom = r.bottom(0).shape();
        Shape top = r.top(0).shape();
        if (deconv) {
            return (long) top.dim(g.channelAxis()) * g.kernel() * bottom.count(g.channelAxis() + 1);
        }
        return (long) bottom.dim(g.channelAxis()) * g.kernel() * top.count(g.channelAxis() + 1);
    }

    @Override
    public void setUp(LayerRun r) {
        Geometry g = geometry(r);
        // kernel_shape_, stride_, pad_, dilation_ and conv_input_shape_ are small Blob<int>s, set at setup
        int axes = Math.max(g.spatial(), 1);
        for (String name : new String[] {"kernel_shape", "stride", "pad", "dilation"}) {
            r.internal(name, axes).touchData();
        }
        r.internal("conv_input_shape", g.spatial() + 1).touchData();
        if (g.bias()) {
            r.internal("bias_multiplier", r.top(0).shape().count(g.channelAxis() + 1)).touchData();
        }
        r.internal("col_buffer", columnCount(r, g));
    }

    @Override
    public void forward(LayerRun r) {
        Geometry g = geometry(r);
        SimBlob col = r.internal("col_buffer", columnCount(r, g));
        r.param(0).touchData();
        for (int i = 0; i < r.bottoms().size(); i++) {
            r.bottom(i).touchData();
            r.top(i).touchData();
            if (deconv || !g.is1x1()) {
                col.touchData();
            }
        }
    }

    @Override
    public void backward(LayerRun r) {
        Geometry g = geometry(r);
        SimBlob col = r.internal("col_buffer", columnCount(r, g));
        r.param(0).touchDiff();
        for (int i = 0; i < r.tops().size(); i++) {
            r.top(i).touchDiff();
            r.bottom(i).touchData();
            r.bottom(i).touchDiff();
            if (g.bias() && r.paramPropagateDown(1)) {
                r.param(1).touchDiff();
            }
            if (r.paramPropagateDown(0) && !g.is1x1()) {
                col.touchData();
            }
            if (r.propagateDown(i) && (deconv ? !g.is1x1() : true)) {
                // conv: backward_cpu_gemm takes col_buffer_'s pointer even for 1x1
                col.touchData();
            }
        }
    }
}
