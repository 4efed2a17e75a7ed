package dev.caffemem.model;

import dev.caffemem.shape.SppShapes;
import java.util.List;

/**
 * SPP (src/caffe/layers/spp_layer.cpp): one pyramid level is a plain Pooling layer; more levels run
 * split -> pooling -> flatten per level and concatenate. In backward each level writes a full-size
 * diff for its split top.
 */
final class SppBehavior implements LayerBehavior {

    private static boolean max(LayerRun r) {
        return r.params("spp_param").getEnum("pool").equals("MAX");
    }

    private static List<SppShapes.Level> levels(LayerRun r) {
        return SppShapes.levels(r.bottom(0).shape(), r.params("spp_param").getInt("pyramid_height"));
    }

    private static long levelCount(LayerRun r, SppShapes.Level l) {
        return r.bottom(0).shape().count(0, 2) * l.height() * l.width();
    }

    @Override
    public void forward(LayerRun r) {
        if (r.params("spp_param").getEnum("pool").equals("STOCHASTIC") && r.mode() == Mode.CPU) {
            throw r.fatal("STOCHASTIC pooling is not implemented on CPU in Caffe 1.0: its inner Pooling's Forward_cpu"
                    + " aborts with \"Not Implemented Yet\" (it runs on a GPU only)");
        }
        r.bottom(0).touchData();
        r.top(0).touchData();
        List<SppShapes.Level> levels = levels(r);
        if (levels.size() == 1) {
            if (max(r)) {
                r.internal("pooling/max_idx", r.top(0).count()).touchData();
            }
            return;
        }
        for (int i = 0; i < levels.size(); i++) {
            long n = levelCount(r, levels.get(i));
            r.internal("pooling_output" + i, n).touchData();
            if (max(r)) {
                r.internal("pooling" + i + "/max_idx", n).touchData();
            }
        }
    }

    @Override
    public void backward(LayerRun r) {
        if (!r.propagateDown(0)) {
            return;
        }
        r.top(0).touchDiff();
        r.bottom(0).touchDiff();
        List<SppShapes.Level> levels = levels(r);
        if (levels.size() == 1) {
            return;
        }
        for (int i = 0; i < levels.size(); i++) {
            // flatten_outputs_[i] diff, adopted by pooling_outputs_[i]; then the split top's full diff
            r.internal("flatten_output" + i, levelCount(r, levels.get(i))).touchDiff();
            r.internal("split_top" + i, r.bottom(0).count()).touchDiff();
        }
    }
}
