package dev.caffemem.model;

/**
 * Pooling (src/caffe/layers/pooling_layer.cpp): MAX keeps an int index per output (max_idx_) unless a
 * second top takes the mask. STOCHASTIC has no CPU implementation.
 */
final class PoolingBehavior implements LayerBehavior {

    @Override
    public void forward(LayerRun r) {
        String pool = r.params("pooling_param").getEnum("pool");
        if (pool.equals("STOCHASTIC") && r.mode() == Mode.CPU) {
            throw r.fatal("STOCHASTIC pooling is not implemented on CPU in Caffe 1.0: Forward_cpu aborts with"
                    + " \"Not Implemented Yet\" (it runs on a GPU only)");
        }
        r.bottom(0).touchData();
        r.top(0).touchData();
        if (pool.equals("MAX")) {
            mask(r).touchData();
        }
    }

    private static SimBlob mask(LayerRun r) {
        return r.tops().size() > 1 ? r.top(1) : r.internal("max_idx", r.top(0).count());
    }

    @Override
    public void backward(LayerRun r) {
        if (!r.propagateDown(0)) {
            return;
        }
        r.top(0).touchDiff();
        r.bottom(0).touchDiff();
        if (r.params("pooling_param").getEnum("pool").equals("MAX")) {
            mask(r).touchData();
        }
    }
}
