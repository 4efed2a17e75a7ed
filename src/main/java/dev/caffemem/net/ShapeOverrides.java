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
 */
public record ShapeOverrides(Integer batch, Map<String, Shape> inputShapes, Map<String, List<String>> declaredTops) {

    public static final ShapeOverrides NONE = new ShapeOverrides(null, Map.of(), Map.of());

    public ShapeOverrides {
        inputShapes = Map.copyOf(inputShapes);
        declaredTops = Map.copyOf(declaredTops);
    }

    public ShapeOverrides withBatch(Integer newBatch) {
        return new ShapeOverrides(newBatch, inputShapes, declaredTops);
    }

    /** The batch to use where the prototxt says {@code declared}. */
    public int batchOr(long declared) {
        return batch != null ? batch : Math.toIntExact(declared);
    }
}
