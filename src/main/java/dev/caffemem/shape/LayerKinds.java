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
    private static final Set<String> FORK_TYPES = Set.of("AnnotatedData", "Permute", "PriorBox", "Normalize",
            "DetectionOutput", "DetectionEvaluate", "MultiBoxLoss", "SmoothL1Loss", "ROIPooling", "Interp");

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
        // forks, modelled from their own sources (docs/forks.md); py-faster-rcnn's Python layers in apply();
        // every one named in FORK_TYPES
        KINDS.put("AnnotatedData", new AnnotatedDataShapes());
        KINDS.put("Permute", new PermuteShapes());
        KINDS.put("PriorBox", new PriorBoxShapes());
        KINDS.put("Normalize", new NormalizeShapes());
        for (String t : new String[] {"DetectionOutput", "DetectionEvaluate", "MultiBoxLoss"}) {
            KINDS.put(t, new DetectionShapes(t));
        }
        KINDS.put("SmoothL1Loss", new SmoothL1Shapes());
        KINDS.put("ROIPooling", new RoiPoolingShapes());
        KINDS.put("Interp", new InterpShapes());
    }

    private static final LayerKind PY_FASTER_RCNN = new PyFasterRcnnShapes();

    private final ShapeOverrides overrides;

    public LayerKinds(ShapeOverrides overrides) {
        this.overrides = overrides;
    }

    /** Caffe 1.0's layer types that caffemem knows (the forks' are {@link #forkTypes()}). */
    public static Set<String> knownTypes() {
        Set<String> out = new java.util.TreeSet<>(KINDS.keySet());
        out.removeAll(FORK_TYPES);
        return out;
    }

    /** The forks' layer types caffemem models from their sources (docs/forks.md). */
    public static Set<String> forkTypes() {
        return FORK_TYPES;
    }

    public static boolean isDataLayer(String type) {
        return KINDS.get(type) instanceof DataShapes || KINDS.get(type) instanceof AnnotatedDataShapes;
    }

    /** Whether caffemem models this layer: a known type, or a Python layer of py-faster-rcnn it recognises. */
    public static boolean models(LayerSpec layer) {
        return KINDS.containsKey(layer.type()) || PyFasterRcnnShapes.which(layer) != null;
    }

    /** Which py-faster-rcnn layer this is ("rpn.proposal_layer.ProposalLayer"), or null. */
    public static String pyFasterRcnn(LayerSpec layer) {
        return PyFasterRcnnShapes.which(layer);
    }

    /** Whether this SmoothL1Loss is caffe-fast-rcnn's (else SSD's); see {@link SmoothL1Shapes}. */
    public static boolean fastRcnnSmoothL1(LayerSpec layer) {
        return SmoothL1Shapes.fastRcnn(layer);
    }

    /**
     * The kind for a layer: a known type; else a user-declared stand-in when every top has a declared shape; else one
     * of py-faster-rcnn's Python layers; else, with --lenient, a shape-preserving guess; else null.
     */
    @Override
    public LayerKind apply(LayerSpec layer) {
        LayerKind kind = KINDS.get(layer.type());
        if (kind != null) {
            return kind;
        }
        boolean declared = !layer.tops().isEmpty() && layer.tops().stream().allMatch(overrides.declaredTops()::containsKey);
        if (declared) {
            return new DeclaredShapes();
        }
        if (PyFasterRcnnShapes.which(layer) != null) {
            return PY_FASTER_RCNN;
        }
        return overrides.lenient() ? new LenientShapes() : null;
    }
}
