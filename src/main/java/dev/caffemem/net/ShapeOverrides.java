package dev.caffemem.net;

import java.util.List;
import java.util.Map;

/**
 * The user's answers to what a prototxt alone cannot say.
 *
 * @param batch        replaces data layers' batch_size and the first dimension of Input shapes; null keeps the prototxt's
 * @param inputShapes  per-sample shape of a data layer's top (what Caffe reads from the first record or image), by top name
 * @param declaredTops top shapes for layers the estimator does not know (e.g. Python layers), by top name;
 *                     a dimension "N" stands for the batch
 * @param rois         regions per image that reach a Faster R-CNN net's ROI head (py-faster-rcnn's proposal layers
 *                     decide it at run time); null: the py-faster-rcnn code's own TRAIN or TEST setting
 * @param lenient      a layer type the estimator does not know, with no declared tops, is assumed shape-preserving
 *                     (each top takes its bottom's shape) instead of refused
 */
public record ShapeOverrides(Integer batch, Map<String, Shape> inputShapes, Map<String, List<String>> declaredTops,
                             Integer rois, boolean lenient) {

    public static final ShapeOverrides NONE = new ShapeOverrides(null, Map.of(), Map.of());

    public ShapeOverrides {
        inputShapes = Map.copyOf(inputShapes);
        declaredTops = Map.copyOf(declaredTops);
    }

    public ShapeOverrides(Integer batch, Map<String, Shape> inputShapes, Map<String, List<String>> declaredTops) {
        this(batch, inputShapes, declaredTops, null, false);
    }

    public ShapeOverrides withBatch(Integer newBatch) {
        return new ShapeOverrides(newBatch, inputShapes, declaredTops, rois, lenient);
    }

    /** The batch to use where the prototxt says {@code declared}. */
    public int batchOr(long declared) {
        return batch != null ? batch : Math.toIntExact(declared);
    }
}
