package dev.caffemem.net;

import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.MessageType;
import dev.caffemem.prototxt.Schema;
import java.util.List;
import java.util.Map;

/**
 * The structural upgrades Caffe 1.0 applies when it reads a net file
 * ({@code UpgradeNetAsNeeded} in src/caffe/util/upgrade_proto.cpp): V1 {@code layers} to V2
 * {@code layer}, legacy data-transformation fields, and net-level {@code input} fields to an
 * {@code Input} layer. V0 nets ({@code layers { layer { ... } }}) are refused with a clear error.
 */
public final class NetUpgrade {

    /** V1LayerParameter.LayerType names to the V2 type strings ({@code UpgradeV1LayerType}). */
    private static final Map<String, String> V1_TYPES = Map.ofEntries(
            Map.entry("NONE", ""), Map.entry("ABSVAL", "AbsVal"), Map.entry("ACCURACY", "Accuracy"),
            Map.entry("ARGMAX", "ArgMax"), Map.entry("BNLL", "BNLL"), Map.entry("CONCAT", "Concat"),
            Map.entry("CONTRASTIVE_LOSS", "ContrastiveLoss"), Map.entry("CONVOLUTION", "Convolution"),
            Map.entry("DECONVOLUTION", "Deconvolution"), Map.entry("DATA", "Data"),
            Map.entry("DROPOUT", "Dropout"), Map.entry("DUMMY_DATA", "DummyData"),
            Map.entry("EUCLIDEAN_LOSS", "EuclideanLoss"), Map.entry("ELTWISE", "Eltwise"),
            Map.entry("EXP", "Exp"), Map.entry("FLATTEN", "Flatten"), Map.entry("HDF5_DATA", "HDF5Data"),
            Map.entry("HDF5_OUTPUT", "HDF5Output"), Map.entry("HINGE_LOSS", "HingeLoss"),
            Map.entry("IM2COL", "Im2col"), Map.entry("IMAGE_DATA", "ImageData"),
            Map.entry("INFOGAIN_LOSS", "InfogainLoss"), Map.entry("INNER_PRODUCT", "InnerProduct"),
            Map.entry("LRN", "LRN"), Map.entry("MEMORY_DATA", "MemoryData"),
            Map.entry("MULTINOMIAL_LOGISTIC_LOSS", "MultinomialLogisticLoss"), Map.entry("MVN", "MVN"),
            Map.entry("POOLING", "Pooling"), Map.entry("POWER", "Power"), Map.entry("RELU", "ReLU"),
            Map.entry("SIGMOID", "Sigmoid"), Map.entry("SIGMOID_CROSS_ENTROPY_LOSS", "SigmoidCrossEntropyLoss"),
            Map.entry("SILENCE", "Silence"), Map.entry("SOFTMAX", "Softmax"),
            Map.entry("SOFTMAX_LOSS", "SoftmaxWithLoss"), Map.entry("SPLIT", "Split"),
            Map.entry("SLICE", "Slice"), Map.entry("TANH", "TanH"), Map.entry("WINDOW_DATA", "WindowData"),
            Map.entry("THRESHOLD", "Threshold"));

    /** Fields copied unchanged from a V1 layer to the V2 layer. */
    private static final List<String> V1_COPIED = List.of("name", "bottom", "top", "include", "exclude",
            "loss_weight", "accuracy_param", "argmax_param", "concat_param", "contrastive_loss_param",
            "convolution_param", "data_param", "dropout_param", "dummy_data_param", "eltwise_param",
            "exp_param", "hdf5_data_param", "hdf5_output_param", "hinge_loss_param", "image_data_param",
            "infogain_loss_param", "inner_product_param", "lrn_param", "memory_data_param", "mvn_param",
            "pooling_param", "power_param", "relu_param", "sigmoid_param", "softmax_param", "slice_param",
            "tanh_param", "threshold_param", "window_data_param", "transform_param", "loss_param");

    /** V1 data layers whose per-layer transformation fields move into {@code transform_param}. */
    private static final Map<String, String> V1_DATA_PARAMS = Map.of(
            "DATA", "data_param", "IMAGE_DATA", "image_data_param", "WINDOW_DATA", "window_data_param");

    private NetUpgrade() {
    }

    /** Returns an upgraded copy of a NetParameter; the input is left unchanged. */
    public static Message upgrade(Message net) {
        return upgradeInPlace(net.copy());
    }

    /** Upgrades a NetParameter that nobody else holds (one just parsed) without copying it first. */
    static Message upgradeInPlace(Message out) {
        if (!out.getMessages("layers").isEmpty()) {
            upgradeV1(out);
        }
        if (out.has("input")) {
            upgradeInput(out);
        }
        return out;
    }

    private static void upgradeV1(Message net) {
        if (!net.getMessages("layer").isEmpty()) {
            throw new NetException(net.pos("layers"),
                    "net mixes V1 \"layers\" and V2 \"layer\" fields; Caffe refuses such a net");
        }
        MessageType layerType = Schema.caffe().message("LayerParameter");
        List<Message> v1Layers = net.getMessages("layers");
        net.clear("layers");
        for (Message v1 : v1Layers) {
            if (v1.has("layer")) {
                throw new NetException(v1.pos("layer"), "V0 layer definitions (layers { layer { ... } }) "
                        + "are not supported; upgrade the file with Caffe's tools/upgrade_net_proto_text first");
            }
            Message v2 = net.addMessage("layer");
            // errors in the upgraded layer point at the V1 layer it came from
            v2.setPos(v1.pos());
            for (String field : V1_COPIED) {
                copyField(v1, v2, field);
            }
            String v1Type = v1.getEnum("type");
            v2.set("type", V1_TYPES.getOrDefault(v1Type, v1Type));
            upgradeParamSpecs(v1, v2);
            upgradeDataTransform(v1, v2, v1Type);
            assert v2.type() == layerType;
        }
    }

    private static void upgradeParamSpecs(Message v1, Message v2) {
        int specs = Math.max(Math.max(v1.count("param"), v1.count("blobs_lr")),
                Math.max(v1.count("weight_decay"), v1.count("blob_share_mode")));
        for (int i = 0; i < specs; i++) {
            Message spec = v2.addMessage("param");
            if (i < v1.count("param")) {
                spec.set("name", v1.getStrings("param").get(i));
            }
            if (i < v1.count("blob_share_mode")) {
                spec.set("share_mode", v1.getEnums("blob_share_mode").get(i));
            }
            if (i < v1.count("blobs_lr")) {
                spec.set("lr_mult", v1.getDoubles("blobs_lr").get(i));
            }
            if (i < v1.count("weight_decay")) {
                spec.set("decay_mult", v1.getDoubles("weight_decay").get(i));
            }
        }
    }

    /** {@code UpgradeNetDataTransformation}: scale, mean_file, crop_size, mirror move to transform_param. */
    private static void upgradeDataTransform(Message v1, Message v2, String v1Type) {
        String paramField = V1_DATA_PARAMS.get(v1Type);
        if (paramField == null || !v1.has(paramField)) {
            return;
        }
        Message dataParam = v2.mutableMessage(paramField);
        for (String field : List.of("scale", "mean_file", "crop_size", "mirror")) {
            if (dataParam.type().field(field) != null && dataParam.has(field)) {
                v2.mutableMessage("transform_param").set(field, dataParam.get(field));
                dataParam.clear(field);
            }
        }
    }

    private static void copyField(Message from, Message to, String field) {
        if (!from.has(field)) {
            return;
        }
        if (from.type().field(field).repeated()) {
            for (Object value : from.values(field)) {
                to.add(field, value instanceof Message m ? m.copy() : value);
            }
        } else {
            Object value = from.get(field);
            to.set(field, value instanceof Message m ? m.copy() : value);
        }
    }

    /** {@code UpgradeNetInput}: net-level input/input_shape/input_dim become a first layer named "input". */
    private static void upgradeInput(Message net) {
        List<String> inputs = net.getStrings("input");
        List<Message> shapes = net.getMessages("input_shape");
        List<Long> dims = net.getLongs("input_dim");
        if (!shapes.isEmpty() || !dims.isEmpty()) {
            if (shapes.isEmpty() && dims.size() != 4L * inputs.size()) {
                throw new NetException(net.pos("input_dim"), "input_dim must give exactly 4 values per input ("
                        + inputs.size() + " inputs, " + dims.size() + " input_dim values)");
            }
            if (!shapes.isEmpty() && shapes.size() != inputs.size()) {
                throw new NetException(net.pos("input_shape"), "input_shape must be given once per input ("
                        + inputs.size() + " inputs, " + shapes.size() + " input_shape values)");
            }
            List<Message> layers = net.getMessages("layer");
            net.clear("layer");
            Message input = net.addMessage("layer");
            input.set("name", "input");
            input.set("type", "Input");
            Message inputParam = input.mutableMessage("input_param");
            for (int i = 0; i < inputs.size(); i++) {
                input.add("top", inputs.get(i));
                Message shape = inputParam.addMessage("shape");
                if (!shapes.isEmpty()) {
                    for (long d : shapes.get(i).getLongs("dim")) {
                        shape.add("dim", d);
                    }
                } else {
                    for (int j = 4 * i; j < 4 * i + 4; j++) {
                        shape.add("dim", dims.get(j));
                    }
                }
            }
            input.setPos(net.pos("input"));
            for (Message layer : layers) {
                net.add("layer", layer);
            }
        }
        net.clear("input");
        net.clear("input_shape");
        net.clear("input_dim");
    }
}
