package dev.caffemem.net;

import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.Schema;
import dev.caffemem.prototxt.TextFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A net as Caffe's {@code Net::Init} sees it for one state: upgraded to V2, filtered by the
 * include/exclude rules, with Split layers inserted. Plain data: no native code, no shapes yet.
 *
 * @param source the upgraded NetParameter before filtering (kept to derive other phases and rewrites)
 */
public record NetSpec(String name, NetState state, boolean forceBackward, List<LayerSpec> layers, Message source) {

    public NetSpec {
        layers = List.copyOf(layers);
    }

    public static Message read(Path file) {
        return read(file, null);
    }

    /** Reads leniently when {@code unknown} is non-null: fields the schema lacks are skipped and recorded there. */
    public static Message read(Path file, dev.caffemem.prototxt.UnknownFields unknown) {
        return NetUpgrade.upgradeInPlace(TextFormat.parse(file, Schema.caffe().message("NetParameter"), unknown));
    }

    public static Message parse(String text, String fileName) {
        return NetUpgrade.upgradeInPlace(TextFormat.parse(text, fileName, Schema.caffe().message("NetParameter")));
    }

    /** Builds the net for a state from an already upgraded NetParameter. */
    public static NetSpec of(Message net, NetState state) {
        List<LayerSpec> filtered = new ArrayList<>();
        for (Message layer : net.getMessages("layer")) {
            if (state.includes(layer)) {
                filtered.add(toSpec(layer));
            }
        }
        return new NetSpec(net.getString("name"), state, net.getBool("force_backward"),
                SplitInserter.insert(filtered), net);
    }

    private static LayerSpec toSpec(Message layer) {
        String type = layer.getString("type");
        String name = layer.getString("name");
        if (type.isEmpty()) {
            throw new NetException(layer.pos(), "layer \"" + name + "\" has no type");
        }
        return new LayerSpec(name, type, layer.getStrings("bottom"), layer.getStrings("top"), layer, layer.pos(), false);
    }

    /** The phase a layer runs in: its own {@code phase} field, else the net's (as Net::Init sets it). */
    public Phase phaseOf(LayerSpec layer) {
        return layer.param().has("phase") ? Phase.valueOf(layer.param().getEnum("phase")) : state.phase();
    }
}
