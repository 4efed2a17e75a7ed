package dev.caffemem.model;

import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.shape.ConvGeometry;
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

    /** The geometry shape inference derived, re-derived from the layer and its bottom (it is valid by now). */
    private static ConvGeometry geometry(LayerRun r) {
        return ConvGeometry.of(new SetupContext(r.layer().spec(), List.of(r.bottom(0).shape()), r.tops().size(),
                r.phase(), ShapeOverrides.NONE));
    }

    /** col_buffer_: [kernel_dim x group, spatial...] = C_in (or num_output) x prod(kernel) x prod(spatial). */
    private long columnCount(LayerRun r, ConvGeometry g) {
        Shape bottom = r.bottom(0).shape();
        Shape top = r.top(0).shape();
        if (deconv) {
            return (long) top.dim(g.channelAxis()) * g.kernelCount() * bottom.count(g.channelAxis() + 1);
        }
        return (long) bottom.dim(g.channelAxis()) * g.kernelCount() * top.count(g.channelAxis() + 1);
    }

    @Override
    public void setUp(LayerRun r) {
        ConvGeometry g = geometry(r);
        // kernel_shape_, stride_, pad_, dilation_ and conv_input_shape_ are small Blob<int>s, set at setup
        int axes = Math.max(g.spatialAxes(), 1);
        for (String name : new String[] {"kernel_shape", "stride", "pad", "dilation"}) {
            r.internal(name, axes).touchData();
        }
        r.internal("conv_input_shape", g.spatialAxes() + 1).touchData();
        if (g.biasTerm()) {
            r.internal("bias_multiplier", r.top(0).shape().count(g.channelAxis() + 1)).touchData();
        }
        r.internal("col_buffer", columnCount(r, g));
    }

    @Override
    public void forward(LayerRun r) {
        ConvGeometry g = geometry(r);
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
        ConvGeometry g = geometry(r);
        SimBlob col = r.internal("col_buffer", columnCount(r, g));
        r.param(0).touchDiff();
        for (int i = 0; i < r.tops().size(); i++) {
            r.top(i).touchDiff();
            r.bottom(i).touchData();
            if (r.propagateDown(i)) {
                r.bottom(i).touchDiff();
            } else {
                // Backward_cpu takes bottom[i]->mutable_cpu_diff() before it checks propagate_down: allocated,
                // never written (conv_layer.cpp, deconv_layer.cpp)
                r.bottom(i).allocateDiff();
            }
            if (g.biasTerm() && r.paramPropagateDown(1)) {
                r.param(1).touchDiff();
            }
            if (r.paramPropagateDown(0) && !g.is1x1()) {
                col.touchData();
            }
            if (r.propagateDown(i)) {
                if (!g.is1x1()) {
                    col.touchData();
                } else if (!deconv) {
                    // backward_cpu_gemm takes col_buffer_'s pointer, then uses the bottom diff itself for 1x1
                    // (base_conv_layer.cpp): allocated, never written
                    col.allocateData();
                }
            }
        }
    }
}
