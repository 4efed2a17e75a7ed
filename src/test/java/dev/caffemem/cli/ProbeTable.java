package dev.caffemem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caffemem.net.Shape;
import dev.caffemem.reality.Corpus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Probes training nets of the corpus at batches 1, 2, 4, extrapolates to 32 (8x the largest point),
 * verifies at 32 for real, and prints a Markdown table. scripts/probe-table.sh runs the whole table;
 * ProbeCorpusTest runs a fast subset in CI.
 */
public final class ProbeTable {
    /** Training nets of ../shared/caffe-models, smallest first. */
    public static final List<String> NETS = List.of(
            "bvlc/examples/mnist/lenet_train_test.prototxt",
            "bvlc/examples/cifar10/cifar10_quick_train_test.prototxt",
            "bvlc/examples/siamese/mnist_siamese_train_test.prototxt",
            "bvlc/examples/cifar10/cifar10_full_train_test.prototxt",
            "bvlc/examples/cifar10/cifar10_full_sigmoid_train_test.prototxt",
            "bvlc/examples/cifar10/cifar10_full_sigmoid_train_test_bn.prototxt",
            "bvlc/examples/mnist/mnist_autoencoder.prototxt",
            "forresti-SqueezeNet/SqueezeNet_v1.1/train_val.prototxt",
            "forresti-SqueezeNet/SqueezeNet_v1.0/train_val.prototxt",
            "bvlc/models/bvlc_reference_caffenet/train_val.prototxt",
            "bvlc/models/bvlc_alexnet/train_val.prototxt");

    /** One net's outcome at the target batch. */
    public record Row(String net, int target, boolean blobsExact, double extrapolationError, double estimateError,
                      long measuredBytes, double seconds, String failure) {
    }

    private ProbeTable() {
    }

    public static Row probe(String net, int target) {
        List<String> args = new ArrayList<>(List.of("probe", Corpus.path(net).toString(), "--points", "1,2,4",
                "--batch", Integer.toString(target), "--verify", "--format", "json"));
        for (Map.Entry<String, Shape> e : Corpus.overrides(net).inputShapes().entrySet()) {
            args.add("--input-shape");
            args.add(e.getKey() + "=" + e.getValue().dimsString().replace(' ', ','));
        }
        CliRun r = CliRun.of(args.toArray(String[]::new));
        if (r.exitCode() != 0) {
            List<String> lines = r.err().lines().toList();
            return new Row(net, target, false, Double.NaN, Double.NaN, 0, 0, lines.isEmpty() ? "?" : lines.get(lines.size() - 1));
        }
        try {
            JsonNode json = new ObjectMapper().readTree(r.out());
            JsonNode t = json.get("target");
            boolean exact = true;
            for (String c : List.of("activationData", "activationDiff", "paramData", "paramDiff", "solverState", "testNet")) {
                exact &= t.get("extrapolated").get("components").get(c).asLong()
                        == t.get("measured").get("components").get(c).asLong();
            }
            return new Row(net, target, exact, t.get("extrapolationError").asDouble(), t.get("estimateError").asDouble(),
                    t.get("measured").get("totalBytes").asLong(), json.get("seconds").asDouble(), null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| net | target | measured (allocator) | blobs: extrapolated vs measured"
                + " | allocator: extrapolation error | allocator: estimate error | probe wall |\n|---|---:|---:|---|---:|---:|---:|\n");
        for (Row r : rows) {
            if (r.failure() != null) {
                sb.append("| ").append(r.net()).append(" | ").append(r.target()).append(" | failed: ").append(r.failure())
                        .append(" | | | | |\n");
                continue;
            }
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f MiB | %s | %+.3f%% | %+.3f%% | %.0f s |%n", r.net(), r.target(),
                    r.measuredBytes() / 1048576.0, r.blobsExact() ? "exact" : "DIFFER", 100 * r.extrapolationError(),
                    100 * r.estimateError(), r.seconds()));
        }
        return sb.toString();
    }

    public static void main(String[] args) {
        List<Row> rows = new ArrayList<>();
        for (String net : args.length > 0 ? List.of(args) : NETS) {
            Row row = probe(net, 32);
            System.err.println("probed " + net + ": " + (row.failure() == null ? "ok" : row.failure()));
            rows.add(row);
        }
        System.out.print(markdown(rows));
    }
}
