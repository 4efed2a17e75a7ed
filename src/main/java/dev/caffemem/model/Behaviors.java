package dev.caffemem.model;

import dev.caffemem.net.NetGraph;

/** The behaviour of each layer type the estimator knows; anything else is a user-declared stand-in. */
final class Behaviors {

    private Behaviors() {
    }

    static LayerBehavior of(NetGraph.Layer layer) {
        String type = layer.type();
        return switch (type) {
            case "Input", "Data", "ImageData", "HDF5Data", "MemoryData", "DummyData", "WindowData" -> new DataBehavior(type);
            case "Convolution" -> new ConvBehavior(false);
            case "Deconvolution" -> new ConvBehavior(true);
            case "Pooling" -> new PoolingBehavior();
            case "SPP" -> new SppBehavior();
            case "InnerProduct" -> new DenseBehavior(false);
            case "Embed" -> new DenseBehavior(true);
            case "ReLU", "PReLU", "ELU", "Sigmoid", "TanH", "AbsVal", "BNLL", "Power", "Exp", "Log", "Threshold",
                    "Dropout" -> new NeuronBehavior(type);
            case "LRN", "BatchNorm", "MVN", "Softmax" -> new NormBehavior(type);
            case "Scale" -> new ScaleBehavior(true);
            case "Bias" -> new ScaleBehavior(false);
            case "Eltwise", "Concat", "Slice", "Split", "Flatten", "Reshape", "Crop", "Tile", "Silence", "Filter",
                    "BatchReindex" -> new RoutingBehavior(type);
            case "SoftmaxWithLoss", "SigmoidCrossEntropyLoss", "EuclideanLoss", "HingeLoss", "InfogainLoss",
                    "MultinomialLogisticLoss", "ContrastiveLoss", "Accuracy", "ArgMax", "Reduction" -> new LossBehavior(type);
            case "LSTM", "RNN" -> new RecurrentBehavior();
            case "LSTMUnit" -> new LstmUnitBehavior();
            case "Im2col" -> new Im2colBehavior();
            case "Parameter" -> new ParameterBehavior();
            case "HDF5Output" -> new Hdf5OutputBehavior();
            // forks, modelled from their own sources (docs/forks.md); Python layers are DeclaredBehavior's
            case "AnnotatedData" -> new AnnotatedDataBehavior();
            case "Permute" -> new PermuteBehavior();
            case "Normalize" -> new NormalizeBehavior();
            case "PriorBox", "DetectionOutput", "DetectionEvaluate" -> new DetectionBehavior(type);
            case "MultiBoxLoss" -> new MultiBoxLossBehavior();
            case "SmoothL1Loss" -> new SmoothL1Behavior();
            case "ROIPooling" -> new RoiPoolingBehavior();
            case "Interp" -> new InterpBehavior();
            default -> new DeclaredBehavior();
        };
    }

    /**
     * A layer the user declared shapes for, one assumed shape-preserving under --lenient, or a Python layer (py-faster-rcnn's
     * included: numpy reads its bottoms and writes its tops, and its backward does nothing): it writes its tops and
     * holds nothing we know of.
     */
    private static final class DeclaredBehavior implements LayerBehavior {
        @Override
        public void forward(LayerRun r) {
            r.bottoms().forEach(SimBlob::touchData);
            r.tops().forEach(SimBlob::touchData);
        }

        @Override
        public void backward(LayerRun r) {
        }
    }
}
