package dev.caffemem.model;

import dev.caffemem.memory.Component;
import dev.caffemem.memory.BufferKey;
import java.util.List;

/**
 * The solver's own buffers after one iteration ({@code SGDSolver::PreSolve}, {@code ApplyUpdate}):
 * per learnable parameter, history_ (and a second set for AdaDelta/Adam), update_ and temp_, touched
 * as the solver type, the mode and L1 regularization dictate.
 */
final class SolverModel {

    private SolverModel() {
    }

    static void apply(Allocations allocations, List<SimBlob> learnable, List<Integer> layers, List<Double> decayMults,
                      SolverSettings solver, Mode mode) {
        int n = learnable.size();
        boolean l1 = solver.regularization().equals("L1") && solver.weightDecay() != 0;
        for (int set = 0; set < solver.type().historySets(); set++) {
            for (int i = 0; i < n; i++) {
                int index = set * n + i;
                buffer(allocations, BufferKey.solver(BufferKey.Kind.HISTORY, index, BufferKey.Part.DATA), learnable.get(i),
                        layers.get(i)).touch();
            }
        }
        for (int i = 0; i < n; i++) {
            int index = i;
            Buffer update = buffer(allocations, BufferKey.solver(BufferKey.Kind.UPDATE, index, BufferKey.Part.DATA),
                    learnable.get(i), layers.get(i));
            Buffer temp = buffer(allocations, BufferKey.solver(BufferKey.Kind.TEMP, index, BufferKey.Part.DATA),
                    learnable.get(i), layers.get(i));
            if (solver.type().touchesUpdate(mode)) {
                update.touch();
            }
            if (solver.type().touchesTemp(mode) || l1 && decayMults.get(i) != 0) {
                temp.touch();
            }
        }
    }

    private static Buffer buffer(Allocations allocations, BufferKey key, SimBlob param, int layer) {
        return allocations.create(key, param.count() * Float.BYTES, Component.SOLVER_STATE, layer);
    }
}
