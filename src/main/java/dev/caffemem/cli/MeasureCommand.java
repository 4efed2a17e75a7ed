package dev.caffemem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Mode;
import dev.caffemem.compare.PointResult;
import dev.caffemem.probe.Probe;
import dev.caffemem.probe.ProbeException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code caffemem measure} (hidden): runs one batch in the real Caffe directly, in a child JVM, and
 * prints what it allocated as JSON. The baseline scripts/bench-probe.sh compares the probe with.
 */
@Command(name = "measure", hidden = true, mixinStandardHelpOptions = true,
        description = "Runs one iteration of the net at --batch in the real Caffe (one child JVM) and prints the measurement as JSON.")
public final class MeasureCommand implements Callable<Integer> {

    @Mixin
    NetOptions net;

    @Option(names = "--phase-times", description = "Also time forward, backward and update in a second iteration.")
    boolean phaseTimes;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m")
    String timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        EstimateRequest request = NetLoader.request(net, Mode.CPU);
        int batch = dev.caffemem.model.Estimator.estimate(request).batch();
        Probe.Settings settings = new Probe.Settings(List.of(batch, batch + 1), false, false, false, false,
                ProbeCommand.duration(timeout), false, null, false, line -> {
                    spec.commandLine().getErr().println("caffemem measure: " + line);
                    spec.commandLine().getErr().flush();
                });
        PointResult r;
        try {
            r = new Probe(request, NetLoader.load(net).solverParam(), settings).measureOnce(batch, phaseTimes);
        } catch (ProbeException e) {
            throw new CliException(ProbeCommand.exitCode(e.kind()), e.getMessage());
        }
        spec.commandLine().getOut().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        return ExitCodes.OK;
    }
}
