package dev.caffemem.model;

import dev.caffemem.memory.Component;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.net.NetSpec;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Schema;
import dev.caffemem.prototxt.TextFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Solver state per solver type and mode (src/caffe/solvers/*.cpp), and what L1 regularization adds. */
class SolverModelTest {
    private static final String NET = "layer { name: 'in' type: 'Input' top: 'x' top: 'y' input_param { shape { dim: 2 dim: 10 }"
            + " shape { dim: 2 } } }\n"
            + "layer { name: 'ip' type: 'InnerProduct' bottom: 'x' top: 'ip' inner_product_param { num_output: 5 } }\n"
            + "layer { name: 'loss' type: 'SoftmaxWithLoss' bottom: 'ip' bottom: 'y' top: 'loss' }\n";
    /** The learnable parameters: a 5x10 weight and a 5-element bias. */
    private static final long P = (5 * 10 + 5) * 4;

    private static long solverBytes(String solverText, Mode mode) {
        SolverSettings solver = SolverSettings.of(TextFormat.parse(solverText, "solver.prototxt",
                Schema.caffe().message("SolverParameter")));
        Estimate e = Estimator.estimate(new EstimateRequest(NetSpec.parse(NET, "net.prototxt"), Phase.TRAIN, mode, solver,
                ShapeOverrides.NONE, ShapeOverrides.NONE, f -> null, List.of()));
        return e.breakdown().bytes(Component.SOLVER_STATE);
    }

    @Test
    void parameterSizedBuffersPerSolverTypeOnCpu() {
        assertThat(solverBytes("type: 'SGD'", Mode.CPU)).isEqualTo(P);
        assertThat(solverBytes("type: 'Nesterov'", Mode.CPU)).isEqualTo(2 * P);
        assertThat(solverBytes("type: 'AdaGrad'", Mode.CPU)).isEqualTo(2 * P);
        assertThat(solverBytes("type: 'RMSProp'", Mode.CPU)).isEqualTo(2 * P);
        assertThat(solverBytes("type: 'AdaDelta'", Mode.CPU)).isEqualTo(4 * P);
        assertThat(solverBytes("type: 'Adam'", Mode.CPU)).isEqualTo(3 * P);
        assertThat(solverBytes("solver_type: ADAM", Mode.CPU)).isEqualTo(3 * P);
    }

    @Test
    void gpuKernelsTouchOnlyTheHistory() {
        assertThat(solverBytes("type: 'Nesterov'", Mode.GPU)).isEqualTo(P);
        assertThat(solverBytes("type: 'AdaDelta'", Mode.GPU)).isEqualTo(2 * P);
        assertThat(solverBytes("type: 'Adam'", Mode.GPU)).isEqualTo(2 * P);
    }

    @Test
    void l1RegularizationTouchesTempOnlyWithADecay() {
        assertThat(solverBytes("type: 'SGD' regularization_type: 'L1' weight_decay: 0.001", Mode.CPU)).isEqualTo(2 * P);
        assertThat(solverBytes("type: 'SGD' regularization_type: 'L1'", Mode.CPU)).isEqualTo(P);
        assertThat(solverBytes("type: 'Adam' regularization_type: 'L1' weight_decay: 0.001", Mode.CPU)).isEqualTo(3 * P);
    }
}
