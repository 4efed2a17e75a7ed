package dev.caffemem.cli;

import dev.caffemem.net.LayerSpec;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.UnknownFields;
import dev.caffemem.shape.LayerKinds;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** What {@code --lenient} let through, said once per field and per layer on stderr as the files are read. */
final class Lenience {

    private Lenience() {
    }

    static void warnFields(UnknownFields unknown, PrintWriter err) {
        for (UnknownFields.Entry e : unknown.entries()) {
            err.println("caffemem: --lenient: skipped unknown field " + e);
        }
        err.flush();
    }

    /** Layers of a type caffemem does not model and whose tops are not all declared with --top-shape. */
    static void warnLayers(Message net, Map<String, List<String>> declaredTops, PrintWriter err) {
        for (Message layer : net.getMessages("layer")) {
            LayerSpec spec = new LayerSpec(layer.getString("name"), layer.getString("type"), layer.getStrings("bottom"),
                    layer.getStrings("top"), layer, layer.pos(), false);
            boolean declared = !spec.tops().isEmpty() && spec.tops().stream().allMatch(declaredTops::containsKey);
            if (!LayerKinds.models(spec) && !declared) {
                err.println("caffemem: --lenient: " + spec.describe() + " at " + layer.pos() + " is of a type caffemem"
                        + " does not model: assumed shape-preserving, with no parameters or buffers of its own (declare"
                        + " its tops with --top-shape to do better)");
            }
        }
        err.flush();
    }
}
