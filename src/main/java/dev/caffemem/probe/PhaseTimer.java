package dev.caffemem.probe;

import java.util.Map;
import org.bytedeco.caffe.FloatNet;
import org.bytedeco.caffe.FloatSGDSolver;

/** Times a training iteration phase by phase, in the child, once its memory is all allocated. */
final class PhaseTimer {

    private PhaseTimer() {
    }

    /**
     * A second iteration, timed phase by phase: forward, backward and the solver's update (the same
     * work Step does, in its order). Every buffer already exists, so this changes no memory.
     */
    static void secondIteration(int index, FloatSGDSolver solver, FloatNet net, Map<String, Double> seconds) {
        net.ClearParamDiffs();
        ProbeWorker.progress(index, "forward");
        long t = System.nanoTime();
        net.Forward();
        seconds.put("forward", ProbeWorker.lap(t));
        ProbeWorker.progress(index, "backward");
        t = System.nanoTime();
        net.Backward();
        seconds.put("backward", ProbeWorker.lap(t));
        ProbeWorker.progress(index, "update");
        t = System.nanoTime();
        FirstIteration.applyUpdate(solver);
        seconds.put("update", ProbeWorker.lap(t));
    }
}
