package dev.caffemem.model;

/**
 * SSD's Permute (weiliu89/caffe ssd, src/caffe/layers/permute_layer.cpp and .cu): three int blobs of one entry per
 * axis (the order and both stride tables) written at setup; a copy in each direction when the order moves an axis,
 * else Forward shares the bottom's data and Backward makes the bottom adopt the top's diff.
 */
final class PermuteBehavior implements LayerBehavior {

    /** The axes the order leaves out follow in their own order, so only a given order that is not 0, 1, ... moves. */
    private static boolean permutes(LayerRun r) {
        java.util.List<Long> order = r.params("permute_param").getLongs("order");
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i) != i) {
                return true;
            }
        }
        return false;
    }

    private static void steps(LayerRun r) {
        int axes = r.bottom(0).shape().axes();
        for (String name : new String[] {"permute_order", "old_steps", "new_steps"}) {
            r.internal(name, axes).touchData();
        }
    }

    @Override
    public void setUp(LayerRun r) {
        steps(r);
    }

    @Override
    public void forward(LayerRun r) {
        if (!permutes(r)) {
            r.shareData(r.top(0), r.bottom(0));
            return;
        }
        r.bottom(0).touchData();
        r.top(0).touchData();
        steps(r);
    }

    @Override
    public void backward(LayerRun r) {
        if (!permutes(r)) {
            r.shareDiff(r.bottom(0), r.top(0));
            return;
        }
        // Backward does not look at propagate_down
        r.top(0).touchDiff();
        r.bottom(0).touchDiff();
        steps(r);
    }
}
