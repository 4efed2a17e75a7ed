package dev.caffemem.caffetool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which glog lines of caffe open which phase (lines as Caffe 1.0 prints them, see the cited sources). */
class PhaseMarkersTest {

    private static List<String> phases(PhaseMarkers m, String... messages) {
        List<String> out = new ArrayList<>();
        for (String msg : messages) {
            m.opens("I1207 17:15:38.497900 31940 x.cpp:1] " + msg).ifPresent(out::add);
        }
        return out;
    }

    @Test
    void trainingEventsInOrder() {
        assertThat(phases(PhaseMarkers.events(),
                "Initializing solver from parameters: ",
                "Creating training net from net file: train_val.prototxt",
                "Creating Layer data",
                "Initializing net from parameters: ",
                "Creating test net (#0) specified by net file: train_val.prototxt",
                "Solver scaffolding done.",
                "Starting Optimization",
                "Solving AlexNet",
                "Iteration 0, Testing net (#0)",
                "    Test net output #0: accuracy = 0",
                "    Test net output #1: loss = 6.9 (* 1 = 6.9 loss)",
                "Iteration 0 (1.4e-22 iter/s, 9.305s/1000 iters), loss = 6.89847",
                "    Train net output #0: loss = 6.89847 (* 1 = 6.89847 loss)",
                "Iteration 0, lr = 0.01",
                "Snapshotting to binary proto file snap/alexnet_iter_1.caffemodel",
                "Snapshotting solver state to binary proto file snap/alexnet_iter_1.solverstate",
                "Optimization Done."))
                .containsExactly("solver params", "train net init", "test net #0 init", "scaffolding done", "solve",
                        "iter 0 test #0", "test outputs", "iter 0 display", "iter 0 update",
                        "snapshot model (binaryproto)", "snapshot solverstate (binaryproto)", "done");
    }

    @Test
    void layersOfEachNetWhenAsked() {
        assertThat(phases(PhaseMarkers.eventsAndLayers(),
                "Creating training net from net file: t.prototxt",
                "Creating Layer data",
                "Creating Layer conv1",
                "Creating test net (#1) specified by net file: t.prototxt",
                "Creating Layer data",
                "Solver scaffolding done.",
                "Creating Layer not-in-a-net"))
                .containsExactly("train net init", "train net init / data", "train net init / conv1",
                        "test net #1 init", "test net #1 init / data", "scaffolding done");
    }

    @Test
    void testLossLineEndsATestPassOnce() {
        assertThat(phases(PhaseMarkers.events(),
                "Iteration 500, Testing net (#1)",
                "Test loss: 0.25",
                "    Test net output #0: l2_error = 0.25",
                "Snapshotting to HDF5 file s.caffemodel.h5",
                "Snapshotting solver state to HDF5 file s.solverstate.h5"))
                .containsExactly("iter 500 test #1", "test outputs", "snapshot model (HDF5)", "snapshot solverstate (HDF5)");
    }

    @Test
    void caffeTestHasOneNetAndItsForwardPasses() {
        assertThat(phases(PhaseMarkers.events(),
                "Use CPU.",
                "Initializing net from parameters: ",
                "Creating Layer data",
                "Running for 2 iterations.",
                "Batch 0, accuracy = 0",
                "Loss: 6.9"))
                .containsExactly("net init", "forward x2", "done");
    }

    @Test
    void linesThatAreNotGlogsOpenNothing() {
        PhaseMarkers m = PhaseMarkers.events();
        assertThat(m.opens("Creating training net from net file: t.prototxt")).isEmpty();
        assertThat(m.opens("*** Check failure stack trace: ***")).isEmpty();
        assertThat(PhaseMarkers.message("F1207 17:25:32.057073  8773 sgd_solvers.hpp:95] Check failed: x"))
                .hasValue("Check failed: x");
    }
}
