package dev.caffemem.caffetool;

import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.Schema;
import dev.caffemem.prototxt.TextFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A directory in which {@code caffe train --solver=solver.prototxt} runs one {@link PeakCase}: the
 * corpus net with its data layers pointed at real data ("data" links to the data sets' root), and the
 * corpus solver set to one CPU iteration with a test pass at iteration 0 and the case's snapshot.
 * Everything else in both files stays as the corpus has it.
 */
public final class RunDir {
    private static final Set<String> DATA_LAYERS = Set.of("Data", "ImageData", "HDF5Data");

    private RunDir() {
    }

    public static Path prepare(PeakCase c, Datasets sets, Path dir) {
        try {
            Files.createDirectories(dir.resolve("snap"));
            Path link = dir.resolve("data");
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, sets.root());
            }
            Message net = TextFormat.parse(c.net(), Schema.caffe().message("NetParameter"));
            for (Message layer : net.getMessages("layer")) {
                if (DATA_LAYERS.contains(layer.getString("type"))) {
                    point(layer, c, sets);
                }
            }
            Files.writeString(dir.resolve("train_val.prototxt"), TextFormat.print(net));
            Files.writeString(dir.resolve("solver.prototxt"), TextFormat.print(solver(c)));
            return dir.resolve("solver.prototxt");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void point(Message layer, PeakCase c, Datasets sets) {
        boolean train = layer.getMessages("include").stream()
                .noneMatch(r -> r.has("phase") && r.getEnum("phase").equals("TEST"));
        Datasets.Source src = c.data().source(sets, train);
        String type = layer.getString("type");
        Message p = layer.mutableMessage(type.equals("Data") ? "data_param"
                : type.equals("ImageData") ? "image_data_param" : "hdf5_data_param");
        p.set("source", src.path());
        if (train && c.trainBatch() > 0) {
            p.set("batch_size", c.trainBatch());
        }
        if (layer.has("transform_param") && layer.getMessage("transform_param").has("mean_file")) {
            boolean resized = type.equals("ImageData") && p.has("new_height");
            int h = resized ? p.getInt("new_height") : src.height();
            int w = resized ? p.getInt("new_width") : src.width();
            layer.getMessage("transform_param").set("mean_file", sets.meanFile(src.channels(), h, w));
        }
    }

    private static Message solver(PeakCase c) {
        Message s = c.solver() == null ? new Message(Schema.caffe().message("SolverParameter"))
                : TextFormat.parse(c.solver(), Schema.caffe().message("SolverParameter"));
        for (String f : List.of("train_net", "test_net", "net_param", "train_net_param", "test_net_param")) {
            s.clear(f);
        }
        s.set("net", "train_val.prototxt");
        int tests = Math.max(1, s.count("test_iter"));
        s.set("test_iter", java.util.Collections.nCopies(tests, 1));
        s.set("test_interval", 1000);
        s.set("test_initialization", true);
        s.set("max_iter", 1);
        // iteration 0 is displayed (its loss and lr lines mark the update); 1 % 1000 != 0, so Solve adds no
        // display-only forward pass after the last iteration (see src/caffe/solver.cpp Solve)
        s.set("display", 1000);
        s.set("iter_size", 1);
        s.set("snapshot", 0);
        s.set("snapshot_after_train", c.snapshot());
        s.set("snapshot_prefix", "snap/" + c.id());
        s.set("snapshot_format", c.hdf5() ? "HDF5" : "BINARYPROTO");
        s.set("snapshot_diff", c.snapshotDiff());
        s.set("solver_mode", "CPU");
        if (!s.has("base_lr")) {
            s.set("base_lr", 0.01);
            s.set("lr_policy", "fixed");
            s.set("momentum", 0.9);
        }
        if (c.solverType() != null) {
            s.clear("solver_type");
            s.set("type", c.solverType());
            if (c.solverType().equals("RMSProp") || c.solverType().equals("AdaGrad")) {
                // include/caffe/sgd_solvers.hpp: both constructors refuse a momentum
                s.clear("momentum");
            }
        }
        return s;
    }
}
