package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import java.util.List;

/**
 * Parameter (include/caffe/layers/parameter_layer.hpp): no bottoms; one learnable blob of
 * parameter_param.shape, which its top shares (data and diff) from the first Forward on.
 */
final class ParameterShapes implements LayerKind {

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.exact(0, 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Shape shape = DataShapes.blobShape(ctx.layer().params("parameter_param").getMessage("shape"));
        return new LayerShapes(List.of(shape), List.of(shape));
    }
}
