package dev.caffemem.cli;

import dev.caffemem.net.LayerSpec;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.UnknownFields;
import dev.caffemem.shape.LayerKinds;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** What {@code --lenient} let through, said once per field and per layer on stderr as the files are read. */
final class Lenience {

    private Lenience() {
    }

    static void warnFields(UnknownFields unknown, Consumer<String> say) {
        for (UnknownFields.Entry e : unknown.entries()) {
            say.accept("caffemem: --lenient: skipped unknown field " + e);
        }
    }

    /** Layers of a type caffemem does not model and whose tops are not all declared with --top-shape. */
    static void warnLayers(Message net, Map<String, List<String>> declaredTops, Consumer<String> say) {
        for (Message layer : net.getMessages("layer")) {
            LayerSpec spec = new LayerSpec(layer.getString("name"), layer.getString("type"), layer.getStrings("bottom"),
                    layer.getStrings("top"), layer, layer.pos(), false);
            boolean declared = !spec.tops().isEmpty() && spec.tops().stream().allMatch(declaredTops::containsKey);
            if (!LayerKinds.models(spec) && !declared) {
                say.accept("caffemem: --lenient: " + spec.describe() + " at " + layer.pos() + " is of a type caffemem"
                        + " does not model: assumed shape-preserving, with no parameters or buffers of its own (declare"
                        + " its tops with --top-shape to do better)");
            }
        }
    }
}
