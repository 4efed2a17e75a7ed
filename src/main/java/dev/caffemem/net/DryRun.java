package dev.caffemem.net;

import dev.caffemem.prototxt.FieldDef;
import dev.caffemem.prototxt.FieldKind;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.Schema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Rewrites a net for a dry run in the real Caffe: every data layer becomes an Input layer with the
 * shapes the estimator inferred for its phase (so no data files are needed), and every filler becomes
 * {@code constant} (the same memory, filled much faster), and HDF5Output layers write into a temporary
 * directory. Include/exclude rules are kept, so one file still serves the train net and its test nets.
 */
public final class DryRun {
    private static final java.util.Set<String> DATA = java.util.Set.of("Data", "ImageData", "HDF5Data",
            "MemoryData", "DummyData", "WindowData", "Input");

    private DryRun() {
    }

    /**
     * @param net       an upgraded NetParameter
     * @param graphs    builds the graph of the net in a state (with the batch overrides of its phase)
     * @param constants whether to make fillers constant
     */
    public static Message rewrite(Message net, Function<NetState, NetGraph> graphs, boolean constants) {
        Map<NetState, Map<String, List<Shape>>> shapes = new HashMap<>();
        Message out = net.copy();
        List<Message> layers = out.getMessages("layer");
        out.clear("layer");
        for (Message layer : layers) {
            Message rewritten = layer;
            if (DATA.contains(layer.getString("type"))) {
                List<Shape> tops = shapes.computeIfAbsent(stateOf(layer), s -> dataShapes(graphs, s))
                        .get(layer.getString("name"));
                if (tops != null) {
                    rewritten = input(layer, tops);
                }
            }
            if (constants) {
                constantFillers(rewritten);
            }
            if (rewritten.getString("type").equals("HDF5Output")) {
                redirect(rewritten);
            }
            out.add("layer", rewritten);
        }
        return out;
    }

    /**
     * An HDF5Output layer writes the file it names when the dry run runs it: the run writes a file of its own
     * instead, the same one for layers that name the same file (Caffe refuses to create a file twice), in a
     * directory removed when this JVM exits.
     */
    private static void redirect(Message layer) {
        Message p = layer.mutableMessage("hdf5_output_param");
        java.nio.file.Path original = java.nio.file.Path.of(p.getString("file_name")).toAbsolutePath().normalize();
        String name = Integer.toHexString(original.toString().hashCode()) + "-" + original.getFileName();
        java.io.File file = OutputFiles.DIR.resolve(name).toFile();
        file.deleteOnExit();
        p.set("file_name", file.getPath());
    }

    /** The dry runs' HDF5Output files, made on first use. */
    private static final class OutputFiles {
        static final java.nio.file.Path DIR = create();

        private static java.nio.file.Path create() {
            try {
                java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("caffemem-hdf5-output-");
                // registered first, so deleted last: after the files in it
                dir.toFile().deleteOnExit();
                return dir;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * For a run with the real data layers: only their batch changes (batch_size, or the first dimension
     * of Input and DummyData shapes), TRAIN layers to {@code trainBatch}, TEST layers to {@code testBatch}
     * when given; fillers become constant.
     */
    public static Message withBatch(Message net, int trainBatch, Integer testBatch) {
        Message out = net.copy();
        for (Message layer : out.getMessages("layer")) {
            constantFillers(layer);
            if (layer.getString("type").equals("HDF5Output")) {
                redirect(layer);
            }
            if (!DATA.contains(layer.getString("type"))) {
                continue;
            }
            Integer batch = stateOf(layer).phase() == Phase.TRAIN ? Integer.valueOf(trainBatch) : testBatch;
            if (batch == null) {
                continue;
            }
            for (String field : new String[] {"data_param", "image_data_param", "hdf5_data_param", "window_data_param",
                    "memory_data_param"}) {
                if (layer.has(field) || layer.getString("type").toLowerCase(java.util.Locale.ROOT)
                        .startsWith(field.replace("_param", "").replace("_", ""))) {
                    layer.mutableMessage(field).set("batch_size", (long) batch);
                }
            }
            for (String field : new String[] {"input_param", "dummy_data_param"}) {
                for (Message shape : layer.getMessage(field).getMessages("shape")) {
                    List<Long> dims = new ArrayList<>(shape.getLongs("dim"));
                    if (!dims.isEmpty()) {
                        dims.set(0, (long) batch);
                        shape.clear("dim");
                        dims.forEach(d -> shape.add("dim", d));
                    }
                }
            }
        }
        return out;
    }

    /** The state a data layer is meant for: its first include rule's phase and stages, else TRAIN (or TEST if excluded). */
    static NetState stateOf(Message layer) {
        List<Message> include = layer.getMessages("include");
        if (!include.isEmpty()) {
            Message rule = include.get(0);
            Phase phase = rule.has("phase") ? Phase.valueOf(rule.getEnum("phase")) : Phase.TRAIN;
            return new NetState(phase, rule.has("min_level") ? rule.getInt("min_level") : 0, rule.getStrings("stage"));
        }
        return NetState.of(Phase.TRAIN).includes(layer) ? NetState.of(Phase.TRAIN) : NetState.of(Phase.TEST);
    }

    /**
     * Data-layer top shapes by layer name in one state.
     *
     * @throws NetException when the net cannot be built in that state (e.g. its blobs pass INT_MAX at this
     *                      batch): a data layer left as it is would run at the prototxt's batch, and the probe
     *                      would report that batch's bytes as this one's
     */
    private static Map<String, List<Shape>> dataShapes(Function<NetState, NetGraph> graphs, NetState state) {
        NetGraph graph = graphs.apply(state);
        Map<String, List<Shape>> out = new HashMap<>();
        for (NetGraph.Layer l : graph.layers()) {
            if (DATA.contains(l.type())) {
                out.put(l.name(), l.topShapes());
            }
        }
        return out;
    }

    private static Message input(Message data, List<Shape> tops) {
        Message in = new Message(Schema.caffe().message("LayerParameter"));
        in.setPos(data.pos());
        in.set("name", data.getString("name"));
        in.set("type", "Input");
        for (String top : data.getStrings("top")) {
            in.add("top", top);
        }
        for (String rules : new String[] {"include", "exclude"}) {
            for (Message rule : data.getMessages(rules)) {
                in.add(rules, rule.copy());
            }
        }
        if (data.has("phase")) {
            in.set("phase", data.getEnum("phase"));
        }
        Message param = in.mutableMessage("input_param");
        for (int i = 0; i < data.count("top"); i++) {
            Message shape = param.addMessage("shape");
            for (int d : tops.get(i).dims()) {
                shape.add("dim", (long) d);
            }
        }
        return in;
    }

    /** Every FillerParameter anywhere in the layer becomes {@code type: "constant"} with its default value. */
    private static void constantFillers(Message m) {
        for (String field : new ArrayList<>(m.presentFields())) {
            FieldDef def = m.type().field(field);
            if (def.kind() != FieldKind.MESSAGE) {
                continue;
            }
            for (Object v : m.values(field)) {
                Message sub = (Message) v;
                if (sub.type().name().equals("FillerParameter")) {
                    for (String f : new ArrayList<>(sub.presentFields())) {
                        sub.clear(f);
                    }
                    sub.set("type", "constant");
                } else {
                    constantFillers(sub);
                }
            }
        }
    }
}
