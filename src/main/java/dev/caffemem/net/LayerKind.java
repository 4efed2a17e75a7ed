package dev.caffemem.net;

/**
 * What Net::Init needs to know about a layer type before memory is considered: its blob-count
 * contract and its shape rule. Implementations live in {@code dev.caffemem.shape}.
 */
public interface LayerKind {

    BlobCounts counts(LayerSpec layer);

    /**
     * The layer's LayerSetUp + Reshape: top and param shapes.
     *
     * @throws LayerSetupException with a one-line reason when Caffe would refuse the layer ({@link SetupContext#error})
     */
    LayerShapes setUp(SetupContext ctx);

    /** {@code LossLayer} subclasses get a default loss_weight of 1 on their first top. */
    default boolean isLoss() {
        return false;
    }

    /** {@code Layer::AllowForceBackward}: false for label-like bottoms of loss layers. */
    default boolean allowForceBackward(int bottomIndex) {
        return true;
    }
}
