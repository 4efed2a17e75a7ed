package dev.caffemem.reality;

import dev.caffemem.net.Shape;
import dev.caffemem.net.ShapeOverrides;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The validation corpus in ../shared/caffe-models (when present), with the per-sample shape each
 * data layer would read from its dataset: MNIST 1x28x28, CIFAR-10 3x32x32, the siamese MNIST pairs
 * 2x28x28, ImageNet LMDBs 3x256x256 (cropped by the prototxt), and the 4-feature HDF5 example.
 */
public final class Corpus {
    public static final Path ROOT = Path.of("..", "shared", "caffe-models");

    /** Nets the real Caffe cannot build as they are: a Python layer (not compiled into the preset). */
    private static final List<String> UNBUILDABLE = List.of("linreg.prototxt");

    private Corpus() {
    }

    public static boolean present() {
        return Files.isDirectory(ROOT);
    }

    /** Every net prototxt (solvers excluded), relative to the corpus root, sorted. */
    public static List<String> nets() {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".prototxt"))
                    .filter(p -> !p.getFileName().toString().contains("solver"))
                    .map(p -> ROOT.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean buildable(String net) {
        return UNBUILDABLE.stream().noneMatch(net::endsWith);
    }

    /** The shapes the data layers of a corpus net read from their sources. */
    public static ShapeOverrides overrides(String net) {
        Map<String, Shape> inputs;
        if (net.contains("siamese")) {
            inputs = Map.of("pair_data", Shape.of(2, 28, 28));
        } else if (net.contains("mnist")) {
            inputs = Map.of("data", Shape.of(1, 28, 28));
        } else if (net.contains("cifar10")) {
            inputs = Map.of("data", Shape.of(3, 32, 32));
        } else if (net.contains("hdf5_classification")) {
            inputs = Map.of("data", Shape.of(4), "label", Shape.scalar());
        } else {
            inputs = Map.of("data", Shape.of(3, 256, 256));
        }
        return new ShapeOverrides(null, inputs, Map.of());
    }

    public static Path path(String net) {
        return ROOT.resolve(net);
    }
}
