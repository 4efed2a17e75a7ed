package dev.caffemem.model;

import dev.caffemem.net.NetGraph;
import java.util.ArrayList;
import java.util.List;

/** The assumptions behind a net's data-layer and data-dependent costs, said in words for the user. */
final class DataNotes {

    private DataNotes() {
    }

    static List<String> of(NetGraph graph, Mode mode, Runtime runtime) {
        List<String> notes = new ArrayList<>();
        for (NetGraph.Layer l : graph.layers()) {
            String name = "layer \"" + l.name() + "\" (" + l.type() + ")";
            switch (l.type()) {
                case "Data", "ImageData", "WindowData" -> notes.add(name + ": "
                        + l.spec().params("data_param").getInt("prefetch")
                        + (mode == Mode.GPU
                        ? " prefetch batches held twice, in pinned host memory and on the device (data_param.prefetch);"
                        + " its tops point into the device copies"
                        : " prefetch batches held on the host (data_param.prefetch); its tops point into them"));
                case "HDF5Data" -> {
                    String source = l.spec().params("hdf5_data_param").getString("source");
                    Long file = runtime.hdf5FileBytes().get(source);
                    notes.add(name + ": holds the whole current HDF5 file in memory: " + (file != null
                            ? "counted as the size of the first file " + source + " lists (" + file + " bytes)"
                            : "not counted, " + source + " or the first file it lists is not at hand here"));
                }
                case "MemoryData" -> notes.add(name + ": its tops point into the arrays given to Reset/AddMatVector,"
                        + " which are not counted");
                case "Filter" -> notes.add(name + ": counted as keeping every item (an upper bound)");
                case "HDF5Output" -> notes.add(name + ": writes its bottoms to \""
                        + l.spec().params("hdf5_output_param").getString("file_name") + "\" (kept open; HDF5's cache"
                        + " for it is counted); Caffe 1.0 writes it once: a second Forward of this layer aborts"
                        + " (\"Failed to make float dataset\", BVLC/caffe#1726)");
                case "LSTM", "RNN" -> notes.add(name + ": unrolled over the first axis of its input, "
                        + graph.blob(l.bottoms().get(0)).shape().dim(0) + " timesteps, into a net of its own whose"
                        + " blobs are this layer's buffers (--batch sets the first axis of data layers, here time)");
                default -> {
                }
            }
        }
        notes.addAll(Forks.notes(graph));
        return notes;
    }
}
