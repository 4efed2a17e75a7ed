package dev.caffemem.model;

import dev.caffemem.net.NetGraph;
import dev.caffemem.prototxt.Message;

/**
 * Which implementation a layer gets in a GPU build of Caffe 1.0 with cuDNN (src/caffe/layer_factory.cpp):
 * cuDNN by default for Convolution (unless dilated), Pooling (not MAX, one top), LRN (across channels with
 * local_size up to 16; within channel becomes cuDNN LCN), ReLU, Sigmoid, TanH and Softmax; the layer's
 * {@code engine: CAFFE} keeps Caffe's own.
 */
final class Engine {
    /** cuDNN 8's CUDNN_LRN_MAX_N. */
    static final int CUDNN_LRN_MAX_N = 16;

    private Engine() {
    }

    static boolean cudnn(NetGraph.Layer layer) {
        Message p = layer.spec().param();
        return switch (layer.type()) {
            case "Convolution" -> defaultEngine(p.getMessage("convolution_param"))
                    && p.getMessage("convolution_param").getLongs("dilation").stream().allMatch(d -> d <= 1);
            case "Pooling" -> defaultEngine(p.getMessage("pooling_param")) && layer.tops().size() == 1
                    && !p.getMessage("pooling_param").getEnum("pool").equals("MAX");
            case "LRN" -> defaultEngine(p.getMessage("lrn_param"))
                    && (p.getMessage("lrn_param").getEnum("norm_region").equals("WITHIN_CHANNEL")
                    || p.getMessage("lrn_param").getLong("local_size") <= CUDNN_LRN_MAX_N);
            case "ReLU" -> defaultEngine(p.getMessage("relu_param"));
            case "Sigmoid" -> defaultEngine(p.getMessage("sigmoid_param"));
            case "TanH" -> defaultEngine(p.getMessage("tanh_param"));
            case "Softmax" -> defaultEngine(p.getMessage("softmax_param"));
            default -> false;
        };
    }

    /** The inner softmax of SoftmaxWithLoss and InfogainLoss is created from the layer's own softmax_param. */
    static boolean cudnnInnerSoftmax(NetGraph.Layer layer) {
        return defaultEngine(layer.spec().param().getMessage("softmax_param"));
    }

    private static boolean defaultEngine(Message p) {
        return !p.getEnum("engine").equals("CAFFE");
    }

    /** Handles a cuDNN layer creates: 3 x group for a convolution (one per stream), 1 otherwise. */
    static int cudnnHandles(NetGraph.Layer layer) {
        if (!cudnn(layer)) {
            return layer.type().equals("SoftmaxWithLoss") || layer.type().equals("InfogainLoss")
                    ? (cudnnInnerSoftmax(layer) ? 1 : 0) : 0;
        }
        return layer.type().equals("Convolution") ? 3 * layer.spec().param().getMessage("convolution_param").getInt("group") : 1;
    }

    /** CUDA streams a layer creates (cuDNN convolution: one per handle). */
    static int streams(NetGraph.Layer layer) {
        return layer.type().equals("Convolution") && cudnn(layer) ? cudnnHandles(layer) : 0;
    }

    /** Data layers with a prefetch thread (a Caffe context of its own, and a stream in GPU mode). */
    static boolean prefetching(String type) {
        return type.equals("Data") || type.equals("ImageData") || type.equals("WindowData") || type.equals("AnnotatedData");
    }

    /** Layers with no GPU implementation: in GPU mode their Forward_gpu/Backward_gpu call the CPU code. */
    static boolean cpuOnly(String type) {
        return switch (type) {
            case "Accuracy", "ArgMax", "HingeLoss", "MultinomialLogisticLoss", "InfogainLoss", "DummyData",
                    "MemoryData", "Input", "Parameter" -> true;
            default -> Forks.cpuOnly(type);
        };
    }
}
