package dev.caffemem.reality;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Small nets that isolate what each layer type costs: a chain of k identical layers on a small
 * input, and one layer added to a fixed base. Used to calibrate the bookkeeping model.
 */
final class CalibrationNets {
    /** Layer bodies (without name, bottom, top) that keep a (2,4,8,8) blob's shape, so they can be chained. */
    static final Map<String, String> CHAINABLE = new LinkedHashMap<>();
    /** Layers added to {@link #ADD_BASE} in place of its trailing Silence. */
    static final Map<String, String> ADDED = new LinkedHashMap<>();

    static final String ADD_BASE = "layer { name: 'in' type: 'Input' top: 'x' top: 'y' top: 'z' input_param {"
            + " shape { dim: 4 dim: 6 dim: 1 dim: 1 } shape { dim: 4 } shape { dim: 4 dim: 6 dim: 1 dim: 1 } } }\n"
            + "layer { name: 'ip' type: 'InnerProduct' bottom: 'x' top: 'a' inner_product_param { num_output: 6 } }\n"
            + "layer { name: 'ip2' type: 'InnerProduct' bottom: 'z' top: 'b' inner_product_param { num_output: 6 } }\n";

    /** a as T x 1 x 6 (r) and the labels as T x 1 continuation indicators (c), for a recurrent layer. */
    private static final String SEQUENCE = "layer { name: 'r' type: 'Reshape' bottom: 'a' top: 'r' reshape_param { shape { dim: 0 dim: 1 dim: -1 } } }"
            + " layer { name: 'c' type: 'Reshape' bottom: 'y' top: 'c' reshape_param { shape { dim: 0 dim: 1 } } } ";
    /** InfogainLoss with H from a Parameter layer, its top list left open. */
    private static final String INFOGAIN = "layer { name: 'H' type: 'Parameter' top: 'H' parameter_param { shape { dim: 6 dim: 6 } } }"
            + " layer { name: 'L' type: 'InfogainLoss' bottom: 'a' bottom: 'y' bottom: 'H' top: 'l' propagate_down: true"
            + " propagate_down: false propagate_down: false";

    static {
        String[][] chain = {
            {"ReLU", "type: 'ReLU'"}, {"PReLU", "type: 'PReLU'"}, {"ELU", "type: 'ELU'"}, {"Sigmoid", "type: 'Sigmoid'"},
            {"TanH", "type: 'TanH'"}, {"AbsVal", "type: 'AbsVal'"}, {"BNLL", "type: 'BNLL'"}, {"Power", "type: 'Power'"},
            {"Exp", "type: 'Exp'"}, {"Log", "type: 'Log'"}, {"Threshold", "type: 'Threshold'"}, {"Dropout", "type: 'Dropout'"},
            {"LRN", "type: 'LRN'"}, {"LRN-within", "type: 'LRN' lrn_param { norm_region: WITHIN_CHANNEL }"},
            {"BatchNorm", "type: 'BatchNorm'"}, {"MVN", "type: 'MVN'"}, {"Softmax", "type: 'Softmax'"},
            {"Scale", "type: 'Scale'"}, {"Scale-bias", "type: 'Scale' scale_param { bias_term: true }"},
            {"Bias", "type: 'Bias'"},
            {"Convolution", "type: 'Convolution' convolution_param { num_output: 4 kernel_size: 3 pad: 1 }"},
            {"Convolution-1x1", "type: 'Convolution' convolution_param { num_output: 4 kernel_size: 1 }"},
            {"Deconvolution", "type: 'Deconvolution' convolution_param { num_output: 4 kernel_size: 3 pad: 1 }"},
            {"Pooling-max", "type: 'Pooling' pooling_param { kernel_size: 3 stride: 1 pad: 1 }"},
            {"Pooling-ave", "type: 'Pooling' pooling_param { pool: AVE kernel_size: 3 stride: 1 pad: 1 }"},
            {"InnerProduct", "type: 'InnerProduct' inner_product_param { num_output: 8 }"},
            {"Flatten", "type: 'Flatten'"}, {"Reshape", "type: 'Reshape' reshape_param { shape { dim: 0 dim: -1 } }"},
            {"Concat", "type: 'Concat'"}, {"Slice", "type: 'Slice'"}, {"Split", "type: 'Split'"},
            {"Tile", "type: 'Tile' tile_param { tiles: 1 }"},
            {"Im2col", "type: 'Im2col' convolution_param { kernel_size: 1 }"},
        };
        for (String[] c : chain) {
            CHAINABLE.put(c[0], c[1]);
        }
        String[][] added = {
            {"base", "layer { name: 'sil' type: 'Silence' bottom: 'a' bottom: 'b' bottom: 'y' }"},
            {"SoftmaxWithLoss", "layer { name: 'L' type: 'SoftmaxWithLoss' bottom: 'a' bottom: 'y' top: 'l' } layer { name: 'sil' type: 'Silence' bottom: 'b' }"},
            {"EuclideanLoss", "layer { name: 'L' type: 'EuclideanLoss' bottom: 'a' bottom: 'b' top: 'l' } layer { name: 'sil' type: 'Silence' bottom: 'y' }"},
            {"SigmoidCrossEntropyLoss", "layer { name: 'L' type: 'SigmoidCrossEntropyLoss' bottom: 'a' bottom: 'b' top: 'l' propagate_down: true propagate_down: false } layer { name: 'sil' type: 'Silence' bottom: 'y' }"},
            {"HingeLoss", "layer { name: 'L' type: 'HingeLoss' bottom: 'a' bottom: 'y' top: 'l' } layer { name: 'sil' type: 'Silence' bottom: 'b' }"},
            {"MultinomialLogisticLoss", "layer { name: 'L' type: 'MultinomialLogisticLoss' bottom: 'a' bottom: 'y' top: 'l' } layer { name: 'sil' type: 'Silence' bottom: 'b' }"},
            {"ContrastiveLoss", "layer { name: 'L' type: 'ContrastiveLoss' bottom: 'a' bottom: 'b' bottom: 'y' top: 'l' }"},
            {"Accuracy", "layer { name: 'L' type: 'Accuracy' bottom: 'a' bottom: 'y' top: 'l' } layer { name: 'sil' type: 'Silence' bottom: 'b' bottom: 'l' }"},
            {"ArgMax", "layer { name: 'L' type: 'ArgMax' bottom: 'a' top: 'l' } layer { name: 'sil' type: 'Silence' bottom: 'b' bottom: 'y' bottom: 'l' }"},
            {"Eltwise", "layer { name: 'L' type: 'Eltwise' bottom: 'a' bottom: 'b' top: 'l' } layer { name: 'sil' type: 'Silence' bottom: 'y' bottom: 'l' }"},
            {"Eltwise-max", "layer { name: 'L' type: 'Eltwise' bottom: 'a' bottom: 'b' top: 'l' eltwise_param { operation: MAX } } layer { name: 'sil' type: 'Silence' bottom: 'y' bottom: 'l' }"},
            {"Concat-2", "layer { name: 'L' type: 'Concat' bottom: 'a' bottom: 'b' top: 'l' } layer { name: 'sil' type: 'Silence' bottom: 'y' bottom: 'l' }"},
            {"Crop", "layer { name: 'L' type: 'Crop' bottom: 'a' bottom: 'b' top: 'l' crop_param { axis: 1 } } layer { name: 'sil' type: 'Silence' bottom: 'y' bottom: 'l' }"},
            {"Reduction", "layer { name: 'L' type: 'Reduction' bottom: 'a' top: 'l' } layer { name: 'sil' type: 'Silence' bottom: 'y' bottom: 'b' bottom: 'l' }"},
            {"Embed", "layer { name: 'L' type: 'Embed' bottom: 'y' top: 'l' embed_param { num_output: 3 input_dim: 10 } } layer { name: 'sil' type: 'Silence' bottom: 'a' bottom: 'b' bottom: 'l' }"},
            {"Slice-2", "layer { name: 'L' type: 'Slice' bottom: 'a' top: 'l' top: 'm' } layer { name: 'sil' type: 'Silence' bottom: 'y' bottom: 'b' bottom: 'l' bottom: 'm' }"},
            {"Silence", "layer { name: 'sil' type: 'Silence' bottom: 'a' bottom: 'b' } layer { name: 'sil2' type: 'Silence' bottom: 'y' }"},
            {"Input", "layer { name: 'in2' type: 'Input' top: 'w' input_param { shape { dim: 4 } } } layer { name: 'sil' type: 'Silence' bottom: 'a' bottom: 'b' bottom: 'y' bottom: 'w' }"},
            {"SPP", "layer { name: 'r' type: 'Reshape' bottom: 'a' top: 'r' reshape_param { shape { dim: 0 dim: 1 dim: 2 dim: 3 } } } layer { name: 'L' type: 'SPP' bottom: 'r' top: 'l' spp_param { pyramid_height: 2 } } layer { name: 'sil' type: 'Silence' bottom: 'y' bottom: 'b' bottom: 'l' }"},
            {"Filter", "layer { name: 'L' type: 'Filter' bottom: 'a' bottom: 'y' top: 'l' propagate_down: true propagate_down: false } layer { name: 'sil' type: 'Silence' bottom: 'b' bottom: 'l' }"},
            {"LSTM", SEQUENCE + "layer { name: 'L' type: 'LSTM' bottom: 'r' bottom: 'c' top: 'l' recurrent_param { num_output: 3 } } layer { name: 'sil' type: 'Silence' bottom: 'b' bottom: 'l' }"},
            {"LSTM-static-exposed", SEQUENCE + "layer { name: 's' type: 'Reshape' bottom: 'b' top: 's' reshape_param { shape { dim: 1 dim: -1 } } } layer { name: 'h0' type: 'Parameter' top: 'h0' parameter_param { shape { dim: 1 dim: 1 dim: 3 } } } layer { name: 'c0' type: 'Parameter' top: 'c0' parameter_param { shape { dim: 1 dim: 1 dim: 3 } } } layer { name: 'L' type: 'LSTM' bottom: 'r' bottom: 'c' bottom: 's' bottom: 'h0' bottom: 'c0' top: 'l' top: 'hT' top: 'cT' recurrent_param { num_output: 3 expose_hidden: true } } layer { name: 'sil' type: 'Silence' bottom: 'l' bottom: 'hT' bottom: 'cT' }"},
            {"RNN", SEQUENCE + "layer { name: 'L' type: 'RNN' bottom: 'r' bottom: 'c' top: 'l' recurrent_param { num_output: 3 } } layer { name: 'sil' type: 'Silence' bottom: 'b' bottom: 'l' }"},
            {"LSTMUnit", "layer { name: 'g' type: 'InnerProduct' bottom: 'b' top: 'g' inner_product_param { num_output: 24 } } layer { name: 'gr' type: 'Reshape' bottom: 'g' top: 'gr' reshape_param { shape { dim: 1 dim: -1 dim: 24 } } } layer { name: 'ar' type: 'Reshape' bottom: 'a' top: 'ar' reshape_param { shape { dim: 1 dim: -1 dim: 6 } } } layer { name: 'yr' type: 'Reshape' bottom: 'y' top: 'yr' reshape_param { shape { dim: 1 dim: -1 } } } layer { name: 'L' type: 'LSTMUnit' bottom: 'ar' bottom: 'gr' bottom: 'yr' top: 'l' top: 'm' } layer { name: 'sil' type: 'Silence' bottom: 'l' bottom: 'm' }"},
            {"BatchReindex", "layer { name: 'L' type: 'BatchReindex' bottom: 'a' bottom: 'y' top: 'l' } layer { name: 'sil' type: 'Silence' bottom: 'b' bottom: 'l' }"},
            {"Parameter", "layer { name: 'L' type: 'Parameter' top: 'p' parameter_param { shape { dim: 6 } } } layer { name: 's' type: 'Scale' bottom: 'a' bottom: 'p' top: 'l' } layer { name: 'sil' type: 'Silence' bottom: 'b' bottom: 'y' bottom: 'l' }"},
            {"HDF5Output", "layer { name: 'L' type: 'HDF5Output' bottom: 'a' bottom: 'y' hdf5_output_param { file_name: 'calibration.h5' } } layer { name: 'sil' type: 'Silence' bottom: 'b' }"},
            {"InfogainLoss", INFOGAIN + " } layer { name: 'sil' type: 'Silence' bottom: 'b' }"},
            {"InfogainLoss-prob", INFOGAIN + " top: 'prob' loss_weight: 1 loss_weight: 0 } layer { name: 'sil' type: 'Silence' bottom: 'b' bottom: 'prob' }"},
        };
        for (String[] a : added) {
            ADDED.put(a[0], a[1]);
        }
    }

    private CalibrationNets() {
    }

    /** k layers of one body, each reading the previous one's top (in place when asked). */
    static String chain(String body, int k, boolean inPlace) {
        StringBuilder sb = new StringBuilder("layer { name: 'in' type: 'Input' top: 'x0' input_param { shape { dim: 2 dim: 4 dim: 8 dim: 8 } } }\n");
        String prev = "x0";
        for (int i = 1; i <= k; i++) {
            String top = inPlace ? prev : "x" + i;
            sb.append("layer { name: 'l").append(i).append("' ").append(body).append(" bottom: '").append(prev)
                    .append("' top: '").append(top).append("' }\n");
            prev = top;
        }
        return sb.toString();
    }
}
