package dev.caffemem.model;

import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import java.util.List;
import java.util.function.Function;

/**
 * What to estimate.
 *
 * @param net            the upgraded NetParameter (train net, or the net to run for TEST)
 * @param phase          TRAIN (a solver step, plus test nets) or TEST (inference: forward only)
 * @param solver         solver settings; ignored for TEST
 * @param train          shape overrides for the TRAIN net (and for the TEST net when phase is TEST)
 * @param test           shape overrides for the solver's TEST nets
 * @param testNetLoader  resolves a solver's test_net file to an upgraded NetParameter
 * @param stages         extra NetState stages given on the command line
 */
public record EstimateRequest(Message net, Phase phase, Mode mode, SolverSettings solver, ShapeOverrides train,
                              ShapeOverrides test, Function<String, Message> testNetLoader, List<String> stages) {

    public EstimateRequest {
        stages = List.copyOf(stages);
    }

    public EstimateRequest withBatch(Integer batch) {
        return new EstimateRequest(net, phase, mode, solver, train.withBatch(batch), test, testNetLoader, stages);
    }
}
