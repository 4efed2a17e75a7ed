package dev.caffemem.shape;

import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.ShapeOverrides;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The layer types of Caffe 1.0 that the estimator knows, by their type string. */
public final class LayerKinds implements Function<LayerSpec, LayerKind> {
    private static final Map<String, LayerKind> KINDS = new HashMap<>();

    static {
        for (String t : new String[] {"Input", "Data", "ImageData", "HDF5Data", "MemoryData", "DummyData", "WindowData"}) {
            KINDS.put(t, new DataShapes(t));
        }
        KINDS.put("Convolution", new ConvShapes(false));
        KINDS.put("Deconvolution", new ConvShapes(true));
        KINDS.put("Pooling", new PoolingShapes());
        KINDS.put("SPP", new SppShapes());
        KINDS.put("InnerProduct", new InnerProductShapes(false));
        KINDS.put("Embed", new InnerProductShapes(true));
        for (String t : new String[] {"ReLU", "PReLU", "ELU", "Sigmoid", "TanH", "AbsVal", "BNLL", "Power", "Exp",
                "Log", "Threshold", "Dropout", "LRN", "BatchNorm", "MVN", "Softmax"}) {
            KINDS.put(t, new SameShapes(t));
        }
        KINDS.put("Scale", new ScaleShapes(true));
        KINDS.put("Bias", new ScaleShapes(false));
        for (String t : new String[] {"Eltwise", "Concat", "Slice", "Split", "Crop", "Tile", "Silence", "Filter",
                "BatchReindex"}) {
            KINDS.put(t, new RoutingShapes(t));
        }
        KINDS.put("Flatten", new ReshapeShapes(true));
        KINDS.put("Reshape", new ReshapeShapes(false));
        for (String t : new String[] {"SoftmaxWithLoss", "SigmoidCrossEntropyLoss", "EuclideanLoss", "HingeLoss",
                "InfogainLoss", "MultinomialLogisticLoss", "ContrastiveLoss", "Accuracy", "ArgMax", "Reduction"}) {
            KINDS.put(t, new LossShapes(t));
        }
        KINDS.put("LSTM", new RecurrentShapes("LSTM"));
        KINDS.put("RNN", new RecurrentShapes("RNN"));
        KINDS.put("LSTMUnit", new LstmUnitShapes());
        KINDS.put("Im2col", new Im2colShapes());
        KINDS.put("Parameter", new ParameterShapes());
        KINDS.put("HDF5Output", new Hdf5OutputShapes());
    }

    private final ShapeOverrides overrides;

    public LayerKinds(ShapeOverrides overrides) {
        this.overrides = overrides;
    }

    public static Set<String> knownTypes() {
        return KINDS.keySet();
    }

    public static boolean isDataLayer(String type) {
        return KINDS.get(type) instanceof DataShapes;
    }

    /** The kind for a layer, a user-declared stand-in for an unknown type whose tops all have shapes, or null. */
    @Override
    public LayerKind apply(LayerSpec layer) {
        LayerKind kind = KINDS.get(layer.type());
        if (kind != null) {
            return kind;
        }
        boolean declared = !layer.tops().isEmpty() && layer.tops().stream().allMatch(overrides.declaredTops()::containsKey);
        return declared ? new DeclaredShapes() : null;
    }
}
