package dev.caffemem.explain;

import dev.caffemem.net.Shape;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import dev.caffemem.shape.LayerKinds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the log's "Top shape" lines tell that a prototxt cannot: the shape a data layer read from its first record
 * or image (the estimator's --input-shape), the tops of a layer type caffemem does not know (--top-shape, with
 * {@code N} for the batch), and the batch the run used when the net comes from a file that may say another. What
 * the user gives on the command line comes first.
 */
final class LoggedShapes {
    private LoggedShapes() {
    }

    /**
     * @param logged     the logged setup of this net, or null
     * @param net        its definition
     * @param fallback   shapes to use for tops this net's log does not show (a test net's: the train net's), or null
     * @param netFromLog whether the definition is the log's own (its batch is then the run's already)
     */
    static ShapeOverrides overrides(LoggedNet logged, Message net, ExplainInput in, ShapeOverrides fallback,
                                    boolean netFromLog) {
        Map<String, Shape> inputs = new HashMap<>(in.inputShapes());
        Map<String, List<String>> declared = new HashMap<>(in.topShapes());
        Integer batch = logged == null || net == null ? null : read(logged, net, inputs, declared);
        if (fallback != null) {
            fallback.inputShapes().forEach(inputs::putIfAbsent);
            fallback.declaredTops().forEach(declared::putIfAbsent);
        }
        return new ShapeOverrides(netFromLog ? null : batch, inputs, declared);
    }

    /** Adds what the logged tops say to the maps (what is there stays); returns the logged batch, or null. */
    private static Integer read(LoggedNet logged, Message net, Map<String, Shape> inputs,
                                Map<String, List<String>> declared) {
        Map<String, Message> layers = new HashMap<>();
        for (Message l : net.getMessages("layer")) {
            layers.putIfAbsent(l.getString("name"), l);
        }
        Integer batch = null;
        for (LoggedNet.Layer l : logged.layers()) {
            Message def = layers.get(l.name());
            if (def == null || l.topShapes().isEmpty()) {
                continue;
            }
            String type = def.getString("type");
            List<String> tops = def.getStrings("top");
            if (LayerKinds.isDataLayer(type)) {
                if (batch == null && l.topShapes().get(0).axes() > 0) {
                    batch = l.topShapes().get(0).dim(0);
                }
                for (int t = 0; t < Math.min(tops.size(), l.topShapes().size()); t++) {
                    inputs.putIfAbsent(tops.get(t), withoutBatch(l.topShapes().get(t)));
                }
            } else if (!LayerKinds.knownTypes().contains(type)) {
                for (int t = 0; t < Math.min(tops.size(), l.topShapes().size()); t++) {
                    declared.putIfAbsent(tops.get(t), declaredDims(l.topShapes().get(t), batch));
                }
            }
        }
        return batch;
    }

    private static Shape withoutBatch(Shape s) {
        if (s.axes() == 0) {
            return s;
        }
        return Shape.of(Arrays.copyOfRange(s.dims(), 1, s.axes()));
    }

    /** A logged shape as --top-shape takes it: the batch's dimension as N, so that other batches scale it. */
    private static List<String> declaredDims(Shape s, Integer batch) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.axes(); i++) {
            out.add(i == 0 && batch != null && s.dim(0) == batch ? "N" : Integer.toString(s.dim(i)));
        }
        return out;
    }
}
