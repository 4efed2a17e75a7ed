package dev.caffemem.bench;

import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.model.Mode;
import dev.caffemem.model.SolverSettings;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.MessageType;
import dev.caffemem.prototxt.Schema;
import dev.caffemem.prototxt.TextFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Warm cost of {@code caffemem estimate} on ResNet-152, without the JVM start and file reads: the
 * prototxt texts are read once in setup. Paths are relative to the repository root, which must be
 * the working directory (scripts/bench-estimate.sh runs it from there).
 *
 * <ul>
 *   <li>{@link #estimateTrain}: what {@code caffemem estimate examples/resnet152/train_val.prototxt
 *       --solver examples/resnet152/solver.prototxt} computes: parse net and solver, then the whole
 *       {@link Estimator#estimate} for TRAIN at batch 32 (which evaluates the net at batch 32, 1 and 2,
 *       each with the solver's TEST net);</li>
 *   <li>{@link #parseTrain}: parsing the train_val text alone (the text-format parser, no upgrade);</li>
 *   <li>{@link #estimateDeployTest}: parse and TEST-phase estimate of Kaiming He's ResNet-152 deploy
 *       file, only where ../shared/caffe-models is present (the script leaves it out otherwise).</li>
 * </ul>
 *
 * <p>Warm-up is long for the estimates (20 and 15 one-second iterations): on two cores shared with
 * other work the JIT needs some 300 train estimates, 10 to 15 seconds, to reach steady state, and
 * shorter warm-ups measured partly compiled code (50 to 100 ms per train estimate instead of 13 to 15).
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
public class EstimateBenchmark {

    static final Path TRAIN_NET = Path.of("examples/resnet152/train_val.prototxt");
    static final Path SOLVER = Path.of("examples/resnet152/solver.prototxt");
    static final Path DEPLOY = Path.of("../shared/caffe-models/KaimingHe-deep-residual-networks/prototxt/"
            + "ResNet-152-deploy.prototxt");

    private String trainText;
    private String solverText;
    private String deployText;
    private MessageType netType;
    private MessageType solverType;

    @Setup
    public void read() {
        trainText = text(TRAIN_NET);
        solverText = text(SOLVER);
        deployText = Files.isRegularFile(DEPLOY) ? text(DEPLOY) : null;
        netType = Schema.caffe().message("NetParameter");
        solverType = Schema.caffe().message("SolverParameter");
    }

    @Benchmark
    @Warmup(iterations = 20, time = 1)
    public Estimate estimateTrain() {
        Message solverParam = TextFormat.parse(solverText, SOLVER.toString(), solverType);
        Message net = NetSpec.parse(trainText, TRAIN_NET.toString());
        return Estimator.estimate(trainRequest(net, solverParam, 32));
    }

    @Benchmark
    public Message parseTrain() {
        return TextFormat.parse(trainText, TRAIN_NET.toString(), netType);
    }

    @Benchmark
    @Warmup(iterations = 15, time = 1)
    public Estimate estimateDeployTest() {
        if (deployText == null) {
            throw new IllegalStateException(DEPLOY + " is not present; leave this benchmark out");
        }
        Message net = NetSpec.parse(deployText, DEPLOY.toString());
        return Estimator.estimate(new EstimateRequest(net, Phase.TEST, Mode.CPU, SolverSettings.assumedSgd(),
                ShapeOverrides.NONE, ShapeOverrides.NONE, EstimateBenchmark::noTestNetFile, List.of()));
    }

    /** The request the CLI builds (cli.NetLoader.request) for NET --solver SOLVER --batch N, phase TRAIN. */
    static EstimateRequest trainRequest(Message net, Message solverParam, Integer batch) {
        List<String> stages = new ArrayList<>(solverParam.getMessage("train_state").getStrings("stage"));
        return new EstimateRequest(net, Phase.TRAIN, Mode.CPU, SolverSettings.of(solverParam),
                new ShapeOverrides(batch, Map.of(), Map.of()), ShapeOverrides.NONE, EstimateBenchmark::noTestNetFile,
                stages);
    }

    private static Message noTestNetFile(String file) {
        throw new IllegalStateException("the benchmark nets name no test_net file, but the solver asked for " + file);
    }

    private static String text(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
