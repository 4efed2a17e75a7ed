package dev.caffemem.prototxt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Test inputs: fixtures from the test resources and, where present, real Caffe model files. */
final class Fixtures {

    static final List<String> NAMES = List.of("small-net.prototxt", "syntax-zoo.prototxt",
            "v1-layers.prototxt", "solver-inline-net.prototxt", "datum-bytes.prototxt");

    /** Real Caffe files, shared between worktrees; absent on some machines. */
    static final Path CAFFE_MODELS = Path.of("..", "shared", "caffe-models");

    private Fixtures() {
    }

    static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The message type a fixture or model file holds, judged by its name as Caffe users do. */
    static MessageType rootFor(String fileName) {
        Schema schema = Schema.caffe();
        if (fileName.contains("datum")) {
            return schema.message("Datum");
        }
        return fileName.contains("solver") ? schema.message("SolverParameter") : schema.message("NetParameter");
    }

    static Message parseFixture(String name) {
        return TextFormat.parse(text(name), name, rootFor(name));
    }

    /** Every *.prototxt under ../shared/caffe-models, or an empty list when it is absent. */
    static List<Path> caffeModelFiles() {
        if (!Files.isDirectory(CAFFE_MODELS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(CAFFE_MODELS)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".prototxt")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
