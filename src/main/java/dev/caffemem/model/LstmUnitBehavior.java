package dev.caffemem.model;

/**
 * LSTMUnit (src/caffe/layers/lstm_unit_layer.cpp, .cu). On the CPU it keeps nothing of its own; its
 * Backward writes both the previous cell's and the gates' diffs once either is asked for. The GPU code
 * keeps the gates' activations (X_acts_, shaped like the gate input) and their diff.
 */
final class LstmUnitBehavior implements LayerBehavior {

    @Override
    public void forward(LayerRun r) {
        r.bottoms().forEach(SimBlob::touchData);
        r.tops().forEach(SimBlob::touchData);
        if (r.gpu()) {
            r.internal("X_acts", r.bottom(1).count()).touchData();
        }
    }

    @Override
    public void backward(LayerRun r) {
        if (r.propagateDown(2)) {
            throw r.fatal("Cannot backpropagate to sequence indicators. (bottom 2 needs a gradient; Caffe aborts)");
        }
        if (!r.propagateDown(0) && !r.propagateDown(1)) {
            return;
        }
        r.bottoms().forEach(SimBlob::touchData);
        r.tops().forEach(SimBlob::touchData);
        r.tops().forEach(SimBlob::touchDiff);
        r.bottom(0).touchDiff();
        r.bottom(1).touchDiff();
        if (r.gpu()) {
            SimBlob acts = r.internal("X_acts", r.bottom(1).count());
            acts.touchData();
            acts.touchDiff();
        }
    }
}
