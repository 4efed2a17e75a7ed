package dev.caffemem.metrics;

import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Mode;
import dev.caffemem.model.SolverSettings;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.Schema;
import dev.caffemem.prototxt.TextFormat;
import java.nio.file.Path;
import java.util.List;

/** Training requests as the CLI builds them (no --batch), for the nets these tests use. */
public final class Requests {
    public static final Path TINY = Path.of(PushToPrometheusTest.TINY);
    public static final Path SEED_NET = Path.of("examples/seed/train_val.prototxt");
    public static final Path SEED_SOLVER = Path.of("examples/seed/solver.prototxt");

    private Requests() {
    }

    public static EstimateRequest train(Path net) {
        return new EstimateRequest(NetSpec.read(net), Phase.TRAIN, Mode.CPU, SolverSettings.assumedSgd(),
                ShapeOverrides.NONE, ShapeOverrides.NONE, f -> {
                    throw new IllegalStateException("no test_net file here: " + f);
                }, List.of());
    }

    public static EstimateRequest seed() {
        Message solver = TextFormat.parse(SEED_SOLVER, Schema.caffe().message("SolverParameter"));
        return new EstimateRequest(NetSpec.read(SEED_NET), Phase.TRAIN, Mode.CPU, SolverSettings.of(solver),
                ShapeOverrides.NONE, ShapeOverrides.NONE, f -> {
                    throw new IllegalStateException("no test_net file here: " + f);
                }, List.of());
    }
}
