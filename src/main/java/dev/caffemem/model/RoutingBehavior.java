package dev.caffemem.model;

/**
 * Layers that route blobs (src/caffe/layers/{eltwise,concat,slice,split,flatten,reshape,crop,tile,
 * silence,filter,batch_reindex}_layer.cpp). Split, Flatten, Reshape and the single-blob Concat/Slice share
 * storage instead of copying; Flatten's backward makes the bottom adopt the top's diff.
 */
final class RoutingBehavior implements LayerBehavior {
    private final String type;

    RoutingBehavior(String type) {
        this.type = type;
    }

    private boolean passThrough(LayerRun r) {
        return type.equals("Reshape") || type.equals("Concat") && r.bottoms().size() == 1
                || type.equals("Slice") && r.tops().size() == 1;
    }

    /** Reshape and the single-blob Concat/Slice share data and diff in Reshape(), at setup and before each Forward. */
    @Override
    public void setUp(LayerRun r) {
        if (passThrough(r)) {
            r.shareData(r.top(0), r.bottom(0));
            r.shareDiff(r.top(0), r.bottom(0));
        } else if (type.equals("Filter")) {
            // Reshape reads the selector to count the kept items
            r.bottom(r.bottoms().size() - 1).touchData();
        }
    }

    @Override
    public void forward(LayerRun r) {
        if (passThrough(r)) {
            setUp(r);
            return;
        }
        if (type.equals("Split")) {
            // Split::Forward re-shares on every pass, after its bottom may have been re-pointed (Flatten)
            r.tops().forEach(t -> r.shareData(t, r.bottom(0)));
            return;
        }
        if (type.equals("Silence")) {
            return;
        }
        if (type.equals("BatchReindex")) {
            // the indices are checked on the host first, then the items copied
            r.bottom(1).touchData();
            r.bottom(0).touchData();
            r.top(0).touchData();
            return;
        }
        if (type.equals("Flatten")) {
            r.shareData(r.top(0), r.bottom(0));
            return;
        }
        int inputs = type.equals("Filter") ? r.bottoms().size() - 1 : type.equals("Crop") ? 1 : r.bottoms().size();
        for (int i = 0; i < inputs; i++) {
            r.bottom(i).touchData();
        }
        r.tops().forEach(SimBlob::touchData);
        if (type.equals("Eltwise") && r.params("eltwise_param").getEnum("operation").equals("MAX")) {
            r.internal("max_idx", r.top(0).count()).touchData();
        }
    }

    @Override
    public void backward(LayerRun r) {
        switch (type) {
            case "Reshape", "Silence" -> silence(r);
            case "Concat", "Eltwise" -> {
                if (passThrough(r)) {
                    return;
                }
                r.top(0).touchDiff();
                for (int i = 0; i < r.bottoms().size(); i++) {
                    if (r.propagateDown(i)) {
                        r.bottom(i).touchDiff();
                    }
                }
            }
            case "Slice", "Split" -> {
                if (passThrough(r) || !r.propagateDown(0)) {
                    return;
                }
                r.bottom(0).touchDiff();
                r.tops().forEach(SimBlob::touchDiff);
            }
            case "Flatten" -> r.shareDiff(r.bottom(0), r.top(0));
            case "Crop" -> {
                r.top(0).touchDiff();
                r.bottom(0).touchDiff();
            }
            case "Tile" -> {
                if (r.propagateDown(0)) {
                    r.top(0).touchDiff();
                    r.bottom(0).touchDiff();
                }
            }
            case "BatchReindex" -> {
                if (r.propagateDown(1)) {
                    throw r.fatal("Cannot backprop to index. (bottom 1 needs a gradient; Caffe aborts)");
                }
                if (r.propagateDown(0)) {
                    r.bottom(0).touchDiff();
                    r.bottom(1).touchData();
                    r.top(0).touchDiff();
                }
            }
            case "Filter" -> {
                int selector = r.bottoms().size() - 1;
                if (r.propagateDown(selector)) {
                    throw r.fatal("Filter cannot backpropagate to its selector (Caffe aborts)");
                }
                for (int t = 0; t < selector; t++) {
                    if (r.propagateDown(t)) {
                        r.top(t).touchDiff();
                        r.bottom(t).touchDiff();
                    }
                }
            }
            default -> throw new IllegalStateException(type);
        }
    }

    /** Silence (only ever called under force_backward) zeroes the diff of each bottom it must. */
    private void silence(LayerRun r) {
        if (type.equals("Silence")) {
            for (int i = 0; i < r.bottoms().size(); i++) {
                if (r.propagateDown(i)) {
                    r.bottom(i).touchDiff();
                }
            }
        }
    }
}
