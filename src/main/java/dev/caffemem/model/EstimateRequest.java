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
 * @param retainedNetCopies copies of the whole NetParameter the process keeps alive besides each layer's
 *                       own (see {@link Bookkeeping#features}): 0 for nets Caffe reads from files
 * @param gpu            the device in GPU mode (its capacity and overheads), null in CPU mode
 * @param runtime        the process around the nets: OpenBLAS threads, loaded weights, data files
 */
public record EstimateRequest(Message net, Phase phase, Mode mode, SolverSettings solver, ShapeOverrides train,
                              ShapeOverrides test, Function<String, Message> testNetLoader, List<String> stages,
                              int retainedNetCopies, GpuSettings gpu, Runtime runtime) {

    public EstimateRequest {
        stages = List.copyOf(stages);
        runtime = runtime == null ? Runtime.DEFAULT : runtime;
        if ((mode == Mode.GPU) != (gpu != null)) {
            throw new IllegalArgumentException("GPU mode needs the device's settings, and only GPU mode takes them");
        }
    }

    public EstimateRequest(Message net, Phase phase, Mode mode, SolverSettings solver, ShapeOverrides train,
                           ShapeOverrides test, Function<String, Message> testNetLoader, List<String> stages,
                           int retainedNetCopies) {
        this(net, phase, mode, solver, train, test, testNetLoader, stages, retainedNetCopies,
                mode == Mode.GPU ? GpuSettings.assumedFor("unnamed GPU", Long.MAX_VALUE) : null, Runtime.DEFAULT);
    }

    /** A request for a net Caffe reads from a file (no retained copies). */
    public EstimateRequest(Message net, Phase phase, Mode mode, SolverSettings solver, ShapeOverrides train,
                           ShapeOverrides test, Function<String, Message> testNetLoader, List<String> stages) {
        this(net, phase, mode, solver, train, test, testNetLoader, stages, 0);
    }

    public EstimateRequest withBatch(Integer batch) {
        return new EstimateRequest(net, phase, mode, solver, train.withBatch(batch), test, testNetLoader, stages,
                retainedNetCopies, gpu, runtime);
    }

    /** The same request in another process setting. */
    public EstimateRequest withRuntime(Runtime r) {
        return new EstimateRequest(net, phase, mode, solver, train, test, testNetLoader, stages, retainedNetCopies, gpu,
                r);
    }


    /** The same request on a GPU ({@code gpu} non-null) or on the CPU ({@code gpu} null). */
    public EstimateRequest onDevice(GpuSettings gpu) {
        return new EstimateRequest(net, phase, gpu == null ? Mode.CPU : Mode.GPU, solver, train, test, testNetLoader,
                stages, retainedNetCopies, gpu, runtime);
    }
}
