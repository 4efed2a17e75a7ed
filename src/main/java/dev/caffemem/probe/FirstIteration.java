package dev.caffemem.probe;

import dev.caffemem.memory.Timeline;
import java.util.List;
import org.bytedeco.caffe.FloatNet;
import org.bytedeco.caffe.FloatSGDSolver;

/**
 * Iteration 0 as {@code Solver::Step} runs it (src/caffe/solver.cpp), one phase at a time so that the child
 * can read the process between them: the gradients cleared, the test pass (each test net takes the trained
 * weights and runs forward, as {@code Solver::Test} does), forward, backward, the solver's update, and with
 * --with-snapshot the snapshot {@code Solver::Solve} writes.
 */
final class FirstIteration {

    private FirstIteration() {
    }

    static void run(FloatSGDSolver solver, FloatNet net, List<FloatNet> tests, boolean snapshot, PhaseMeter meter) {
        meter.phase(Timeline.Phase.CLEAR_DIFFS, net::ClearParamDiffs);
        if (!tests.isEmpty()) {
            meter.phase(Timeline.Phase.TEST_PASS, () -> {
                for (FloatNet test : tests) {
                    // Solver::Test shares the trained weights first; the data then comes in as the forward runs
                    test.ShareTrainedLayersWith(net);
                    ProbeWorker.fillInputs(test);
                    test.Forward();
                }
            });
        }
        meter.phase(Timeline.Phase.FORWARD, () -> {
            ProbeWorker.fillInputs(net);
            net.Forward();
        });
        meter.phase(Timeline.Phase.BACKWARD, net::Backward);
        meter.phase(Timeline.Phase.UPDATE, () -> applyUpdate(solver));
        if (snapshot) {
            meter.phase(Timeline.Phase.SNAPSHOT, solver::Snapshot);
        }
    }

    /** The solver's own ApplyUpdate: protected in the bindings, virtual in Caffe, so each solver's update runs. */
    static void applyUpdate(FloatSGDSolver solver) {
        try {
            java.lang.reflect.Method update = FloatSGDSolver.class.getDeclaredMethod("ApplyUpdate");
            update.setAccessible(true);
            update.invoke(solver);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call the solver's ApplyUpdate: " + e, e);
        }
    }
}
