package dev.caffemem.net;

import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Caffe's {@code InsertSplits} (src/caffe/util/insert_splits.cpp): every top consumed more than once
 * (a non-zero explicit loss_weight counts as a use) gets a Split layer with one top per consumer,
 * named {@code blob_layer_topIndex_split_k}.
 */
public final class SplitInserter {

    private SplitInserter() {
    }

    /** A top of a given layer: (layer index, top index). */
    private record TopRef(int layer, int top) {
    }

    public static List<LayerSpec> insert(List<LayerSpec> layers) {
        Map<String, TopRef> lastTop = new HashMap<>();
        Map<Long, TopRef> bottomSource = new HashMap<>();
        Map<TopRef, Integer> uses = new HashMap<>();
        Map<TopRef, Double> lossWeight = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            for (int j = 0; j < layer.bottoms().size(); j++) {
                String blob = layer.bottoms().get(j);
                TopRef source = lastTop.get(blob);
                if (source == null) {
                    throw new NetException(layer.param().pos("bottom", j), layer.describe() + ": unknown bottom blob \""
                            + blob + "\" (bottom index " + j + "): no earlier layer produces it in this phase");
                }
                bottomSource.put(key(i, j), source);
                uses.merge(source, 1, Integer::sum);
            }
            for (int j = 0; j < layer.tops().size(); j++) {
                lastTop.put(layer.tops().get(j), new TopRef(i, j));
            }
            List<Double> weights = layer.lossWeights();
            int lastLoss = Math.min(weights.size(), layer.tops().size());
            for (int j = 0; j < lastLoss; j++) {
                TopRef top = lastTop.get(layer.tops().get(j));
                lossWeight.put(top, weights.get(j));
                if (weights.get(j) != 0) {
                    uses.merge(top, 1, Integer::sum);
                }
            }
        }

        List<LayerSpec> out = new ArrayList<>();
        Map<TopRef, Integer> nextSplitIndex = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            List<String> bottoms = new ArrayList<>(layer.bottoms());
            for (int j = 0; j < bottoms.size(); j++) {
                TopRef source = bottomSource.get(key(i, j));
                if (uses.getOrDefault(source, 0) > 1) {
                    String producer = layers.get(source.layer()).name();
                    int k = nextSplitIndex.merge(source, 1, Integer::sum) - 1;
                    bottoms.set(j, splitBlobName(producer, bottoms.get(j), source.top(), k));
                }
            }
            Message param = layer.param();
            List<LayerSpec> splits = new ArrayList<>();
            for (int j = 0; j < layer.tops().size(); j++) {
                TopRef top = new TopRef(i, j);
                int count = uses.getOrDefault(top, 0);
                if (count > 1) {
                    double weight = lossWeight.getOrDefault(top, 0.0);
                    splits.add(splitLayer(layer, j, count, weight));
                    if (weight != 0) {
                        if (param == layer.param()) {
                            param = param.copy();
                        }
                        param.clear("loss_weight");
                        nextSplitIndex.merge(top, 1, Integer::sum);
                    }
                }
            }
            if (!bottoms.equals(layer.bottoms()) || param != layer.param()) {
                if (param == layer.param()) {
                    param = param.copy();
                }
                param.clear("bottom");
                for (String b : bottoms) {
                    param.add("bottom", b);
                }
                layer = new LayerSpec(layer.name(), layer.type(), bottoms, layer.tops(), param, layer.pos(), layer.split());
            }
            out.add(layer);
            out.addAll(splits);
        }
        return out;
    }

    private static LayerSpec splitLayer(LayerSpec producer, int topIndex, int count, double lossWeight) {
        String blob = producer.tops().get(topIndex);
        Message param = new Message(Schema.caffe().message("LayerParameter"));
        // errors about the split (e.g. an empty bottom) point at the producer, the nearest thing in the file
        param.setPos(producer.pos());
        String name = blob + "_" + producer.name() + "_" + topIndex + "_split";
        param.set("name", name);
        param.set("type", "Split");
        param.add("bottom", blob);
        List<String> tops = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            String top = splitBlobName(producer.name(), blob, topIndex, k);
            tops.add(top);
            param.add("top", top);
            if (lossWeight != 0) {
                param.add("loss_weight", k == 0 ? lossWeight : 0.0);
            }
        }
        return new LayerSpec(name, "Split", List.of(blob), tops, param, producer.pos(), true);
    }

    static String splitBlobName(String layer, String blob, int topIndex, int splitIndex) {
        return blob + "_" + layer + "_" + topIndex + "_split_" + splitIndex;
    }

    private static long key(int layer, int bottom) {
        return ((long) layer << 32) | bottom;
    }
}
