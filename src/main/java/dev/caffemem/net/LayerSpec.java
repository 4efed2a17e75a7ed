package dev.caffemem.net;

import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.SourcePos;
import java.util.List;

/**
 * One layer of a (V2, filtered, split-inserted) net: its name, type, bottoms and tops, and the
 * full {@code LayerParameter} message for type-specific settings.
 *
 * @param split true for the Split layers that {@code insert_splits.cpp} adds
 */
public record LayerSpec(String name, String type, List<String> bottoms, List<String> tops,
                        Message param, SourcePos pos, boolean split) {

    public LayerSpec {
        bottoms = List.copyOf(bottoms);
        tops = List.copyOf(tops);
    }

    /** The type-specific parameter message, e.g. {@code convolution_param}; empty when absent. */
    public Message params(String field) {
        return param.getMessage(field);
    }

    public List<Double> lossWeights() {
        return param.getDoubles("loss_weight");
    }

    public List<Message> paramSpecs() {
        return param.getMessages("param");
    }

    public String describe() {
        return "layer \"" + name + "\" (" + type + ")";
    }
}
