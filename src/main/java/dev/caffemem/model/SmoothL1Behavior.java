package dev.caffemem.model;

import dev.caffemem.shape.LayerKinds;

/**
 * SmoothL1Loss of two forks (see {@code SmoothL1Shapes}): both keep the difference and the per-element errors
 * ({@code diff_}, {@code errors_}, bottom-sized). caffe-fast-rcnn's also sets a vector of ones at setup and has no
 * CPU code at all (Forward_cpu and Backward_cpu are NOT_IMPLEMENTED), its GPU forward leaving the loss on the host;
 * SSD's runs on the CPU.
 */
final class SmoothL1Behavior implements LayerBehavior {

    private static boolean fastRcnn(LayerRun r) {
        return LayerKinds.fastRcnnSmoothL1(r.layer().spec());
    }

    private static long count(LayerRun r) {
        return r.bottom(0).count();
    }

    @Override
    public void setUp(LayerRun r) {
        if (fastRcnn(r)) {
            r.internal("ones", count(r)).touchData();
        }
    }

    @Override
    public void forward(LayerRun r) {
        if (fastRcnn(r) && !r.gpu()) {
            throw r.fatal("caffe-fast-rcnn's SmoothL1Loss has no CPU forward (smooth_L1_loss_layer.cpp: Forward_cpu is"
                    + " NOT_IMPLEMENTED), so Caffe aborts running it on a CPU; estimate it with --device gpu");
        }
        r.bottoms().forEach(SimBlob::touchData);
        r.internal("diff", count(r)).touchData();
        r.internal("errors", count(r)).touchData();
        if (fastRcnn(r)) {
            r.internal("ones", count(r)).touchData();
            r.onHost(() -> r.top(0).touchData());
        } else {
            r.top(0).touchData();
        }
    }

    @Override
    public void backward(LayerRun r) {
        r.internal("diff", count(r)).touchData();
        r.onHost(() -> r.top(0).touchDiff());
        for (int i = 0; i < 2; i++) {
            if (r.propagateDown(i)) {
                r.bottom(i).touchDiff();
            }
        }
    }
}
