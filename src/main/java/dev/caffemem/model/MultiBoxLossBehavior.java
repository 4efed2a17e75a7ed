package dev.caffemem.model;

/**
 * SSD's MultiBoxLoss (weiliu89/caffe ssd, src/caffe/layers/multibox_loss_layer.cpp): matching on the host, then two
 * inner loss layers on blobs it gathers: a SmoothL1Loss (or EuclideanLoss) on 1 x 4M location predictions and
 * targets for the M matched priors, and a SoftmaxWithLoss on C x classes confidences and C labels for the priors
 * kept (matches and mined negatives; every prior of every image without mining, sharing the bottom's data). M and
 * C depend on the data: both are billed at their most, one per prior of every image. Backward zeroes both
 * prediction diffs and copies the inner layers' gradients in; it refuses to reach the priors or the labels.
 */
final class MultiBoxLossBehavior implements LayerBehavior {

    private static long priorsTimesImages(LayerRun r) {
        long priors = (r.bottom(2).shape().axes() > 2 ? r.bottom(2).shape().dim(2) : 1) / 4;
        return r.bottom(0).shape().dim(0) * priors;
    }

    private static boolean mining(LayerRun r) {
        return !r.params("multibox_loss_param").getEnum("mining_type").equals("NONE");
    }

    private static long classes(LayerRun r) {
        return r.params("multibox_loss_param").getLong("num_classes");
    }

    private static boolean l2(LayerRun r) {
        return r.params("multibox_loss_param").getEnum("loc_loss_type").equals("L2");
    }

    private static boolean softmax(LayerRun r) {
        return r.params("multibox_loss_param").getEnum("conf_loss_type").equals("SOFTMAX");
    }

    @Override
    public void setUp(LayerRun r) {
        // each inner loss layer's SetLossWeights writes its one-element loss diff; the Softmax's sets its ones
        r.internal("loc_loss", 1).touchDiff();
        r.internal("conf_loss", 1).touchDiff();
        if (softmax(r)) {
            r.internal("conf_softmax/sum_multiplier", classes(r)).touchData();
        }
    }

    @Override
    public void forward(LayerRun r) {
        for (int i = 0; i < 4; i++) {
            r.bottom(i).touchData();
        }
        long matched = priorsTimesImages(r);
        long kept = priorsTimesImages(r);
        long confs = kept * classes(r);
        r.top(0).touchData();
        // the inner layers run their own Forward: on the device in GPU mode
        r.onDevice(() -> {
            r.internal("loc_pred", 4 * matched).touchData();
            r.internal("loc_gt", 4 * matched).touchData();
            r.internal(l2(r) ? "loc_l2/diff" : "loc_smooth_l1/diff", 4 * matched).touchData();
            if (!l2(r)) {
                r.internal("loc_smooth_l1/errors", 4 * matched).touchData();
            }
            r.internal("loc_loss", 1).touchData();
            SimBlob pred = r.internal("conf_pred", confs);
            if (!mining(r)) {
                r.shareData(pred, r.bottom(1));
            }
            pred.touchData();
            r.internal("conf_gt", softmax(r) ? kept : confs).touchData();
            r.internal(softmax(r) ? "conf_softmax/prob" : "conf_sigmoid/output", confs).touchData();
            if (softmax(r)) {
                r.internal("conf_softmax/scale", kept).touchData();
                r.internal("conf_softmax/sum_multiplier", classes(r)).touchData();
            }
            r.internal("conf_loss", 1).touchData();
        });
        if (r.gpu()) {
            // the layer itself fills the gathered blobs and reads both losses on the host
            r.internal("loc_pred", 4 * matched).touchData();
            r.internal("loc_gt", 4 * matched).touchData();
            r.internal("conf_pred", confs).touchData();
            r.internal("conf_gt", softmax(r) ? kept : confs).touchData();
            r.internal("loc_loss", 1).touchData();
            r.internal("conf_loss", 1).touchData();
        }
    }

    @Override
    public void backward(LayerRun r) {
        if (r.propagateDown(2) || r.propagateDown(3)) {
            throw r.fatal("MultiBoxLoss cannot backpropagate to its prior or label inputs (bottoms 2 and 3); Caffe aborts."
                    + " Set propagate_down: true, true, false, false");
        }
        long matched = priorsTimesImages(r);
        long confs = priorsTimesImages(r) * classes(r);
        r.top(0).touchDiff();
        if (r.propagateDown(0)) {
            r.bottom(0).touchDiff();
            r.onDevice(() -> {
                r.internal("loc_loss", 1).touchDiff();
                r.internal(l2(r) ? "loc_l2/diff" : "loc_smooth_l1/diff", 4 * matched).touchData();
                r.internal("loc_pred", 4 * matched).touchDiff();
            });
            r.internal("loc_pred", 4 * matched).touchDiff();
        }
        if (r.propagateDown(1)) {
            r.bottom(1).touchDiff();
            SimBlob pred = r.internal("conf_pred", confs);
            r.onDevice(() -> {
                r.internal("conf_loss", 1).touchDiff();
                r.internal(softmax(r) ? "conf_softmax/prob" : "conf_sigmoid/output", confs).touchData();
                pred.touchDiff();
            });
            pred.touchDiff();
            if (!mining(r)) {
                r.shareDiff(r.bottom(1), pred);
            }
        }
    }
}
