package dev.caffemem.model;

/**
 * Im2col (src/caffe/layers/im2col_layer.cpp): the column buffer is the top itself. LayerSetUp writes
 * the geometry into four small Blob&lt;int&gt;s; Backward writes the bottom's diff whatever
 * propagate_down says.
 */
final class Im2colBehavior implements LayerBehavior {

    @Override
    public void setUp(LayerRun r) {
        int axis = r.bottom(0).shape().canonicalAxis(r.params("convolution_param").getInt("axis"));
        int spatial = r.bottom(0).shape().axes() - axis - 1;
        for (String name : new String[] {"kernel_shape", "stride", "pad", "dilation"}) {
            r.internal(name, spatial).touchData();
        }
    }

    @Override
    public void forward(LayerRun r) {
        r.bottom(0).touchData();
        r.top(0).touchData();
    }

    @Override
    public void backward(LayerRun r) {
        r.top(0).touchDiff();
        r.bottom(0).touchDiff();
    }
}
