package dev.caffemem.model;

/**
 * Which buffers a layer type touches in each step of a Caffe iteration, mirroring its
 * LayerSetUp/Reshape, Forward_cpu and Backward_cpu. Only touched buffers cost memory.
 */
public interface LayerBehavior {

    /** LayerSetUp and the first Reshape (fillers, multipliers set to one, buffers shaped). */
    default void setUp(LayerRun r) {
    }

    /**
     * Whether LayerSetUp writes every parameter blob (a filler or caffe_set). Parameter's blob is only
     * shaped: its memory comes on first use.
     */
    default boolean fillsParams() {
        return true;
    }

    void forward(LayerRun r);

    /** Called only when Net::Init decided the layer needs backward. */
    void backward(LayerRun r);
}
