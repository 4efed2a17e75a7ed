package dev.caffemem.model;

/**
 * DeepLab's and PSPNet's Interp (hszhao/PSPNet, src/caffe/layers/interp_layer.cpp): bilinear interpolation straight
 * from the bottom into the top, no buffers; backward zeroes the bottom's diff and accumulates into it.
 */
final class InterpBehavior implements LayerBehavior {

    @Override
    public void forward(LayerRun r) {
        r.bottom(0).touchData();
        r.top(0).touchData();
    }

    @Override
    public void backward(LayerRun r) {
        if (r.propagateDown(0)) {
            r.bottom(0).touchDiff();
            r.top(0).touchDiff();
        }
    }
}
