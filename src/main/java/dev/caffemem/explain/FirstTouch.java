package dev.caffemem.explain;

import dev.caffemem.memory.Allocation;
import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Component;
import dev.caffemem.memory.Timeline;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.LayerBill;
import dev.caffemem.model.SolverType;
import dev.caffemem.report.Units;
import java.util.Comparator;
import java.util.Optional;

/**
 * What an event of the run touches for the first time, in words: a Caffe buffer is allocated and made resident on
 * its first write (src/caffe/syncedmem.cpp), so each event's growth is the buffers it writes first.
 *
 * @param what  in words, e.g. "the solver's history_ (SGD's momentum), one buffer per learnable parameter"
 * @param bytes how much the event adds over what was held before it (the timeline's own figure)
 */
public record FirstTouch(String what, long bytes) {

    /** What event {@code index} of the estimate's timeline writes first; {@code repeat}: a later occurrence. */
    static FirstTouch of(Estimate e, int index, boolean repeat, SolverType solver) {
        Timeline t = e.peak().timeline();
        Timeline.Event ev = t.events().get(index);
        long before = index == 0 ? 0 : t.events().get(index - 1).heldBytes();
        long adds = Math.max(0, ev.highWaterBytes() - before);
        boolean snapshot = ev.stage().phase() == Timeline.Phase.SNAPSHOT;
        if (repeat && !snapshot) {
            return new FirstTouch("nothing new: every buffer was written in the first iteration, and later iterations "
                    + "and test passes reuse them", 0);
        }
        return switch (ev.stage()) {
            case PROCESS_START -> new FirstTouch("the process itself: Caffe's libraries and their start-up", adds);
            case NET_INIT -> layer(e, ev.subject(), adds);
            case NET_INIT_DONE -> new FirstTouch("the end of the net's init (weights shared by name drop the layers' own"
                    + " copies)", adds);
            case LOAD_WEIGHTS -> new FirstTouch("the parsed .caffemodel, held beside the net's own weights while they "
                    + "are copied in", adds);
            case TEST_NET_INIT -> new FirstTouch("test net " + ev.testNet() + "'s layer " + ev.subject() + ": its own copy"
                    + " of the weights (until the first test pass shares the train net's) and its prefetch batches",
                    adds);
            case CLEAR_DIFFS -> new FirstTouch("every learnable parameter's gradient (param diff), zeroed by "
                    + "Net::ClearParamDiffs: " + Units.bytes(e.breakdown().bytes(Component.PARAM_DIFF), false), adds);
            case TEST_PASS -> new FirstTouch("test net " + ev.testNet() + "'s activations and layer buffers, in its first"
                    + " forward pass", adds);
            case FORWARD -> new FirstTouch("the train net's activations and layer buffers (im2col and the like), in the"
                    + " first forward pass", adds);
            case BACKWARD -> new FirstTouch("the activations' gradients (activation diff), in the first backward pass",
                    adds);
            case UPDATE -> new FirstTouch(update(e, solver), adds);
            case SNAPSHOT_MODEL -> new FirstTouch("a protobuf copy of every weight (the .caffemodel's message), its "
                    + "arrays growing by doubling", adds);
            case SNAPSHOT_SOLVER_STATE -> new FirstTouch("a protobuf copy of the solver's history (the .solverstate's "
                    + "message), its arrays growing by doubling", adds);
        };
    }

    private static FirstTouch layer(Estimate e, String name, long adds) {
        Optional<LayerBill> bill = e.layers().stream().filter(l -> l.name().equals(name)).findFirst();
        long weights = bill.map(b -> b.bytes(Component.PARAM_DATA)).orElse(0L);
        long prefetch = bill.map(b -> b.bytes(Component.PREFETCH)).orElse(0L);
        StringBuilder sb = new StringBuilder("layer ").append(name).append("'s setup");
        if (weights > 0) {
            sb.append(": its weights, written by their fillers (").append(Units.bytes(weights, false)).append(')');
        }
        if (prefetch > 0) {
            sb.append(weights > 0 ? ", and " : ": ").append("its prefetch batches (")
                    .append(Units.bytes(prefetch, false)).append(')');
        }
        return new FirstTouch(sb.toString(), adds);
    }

    /** The solver's buffers ComputeUpdateValue writes first, and the layer with the largest share. */
    private static String update(Estimate e, SolverType solver) {
        long history = kind(e, BufferKey.Kind.HISTORY);
        long update = kind(e, BufferKey.Kind.UPDATE);
        long temp = kind(e, BufferKey.Kind.TEMP);
        StringBuilder sb = new StringBuilder("the solver's history_ (").append(historyName(solver))
                .append("), one buffer per learnable parameter: ").append(Units.bytes(history, false));
        if (update > 0) {
            sb.append("; its update_ scratch: ").append(Units.bytes(update, false));
        }
        if (temp > 0) {
            sb.append("; its temp_ scratch: ").append(Units.bytes(temp, false));
        }
        e.layers().stream().max(Comparator.comparingLong(l -> l.bytes(Component.SOLVER_STATE)))
                .filter(l -> l.bytes(Component.SOLVER_STATE) > 0)
                .ifPresent(l -> sb.append(" (").append(l.name()).append("'s ")
                        .append(Units.bytes(l.bytes(Component.SOLVER_STATE), false)).append(" the largest)"));
        return sb.toString();
    }

    private static long kind(Estimate e, BufferKey.Kind kind) {
        return e.breakdown().allocations().stream().filter(a -> a.key().kind() == kind).mapToLong(Allocation::bytes)
                .sum();
    }

    /** What history_ holds for each solver (src/caffe/solvers/*.cpp). */
    static String historyName(SolverType t) {
        return switch (t) {
            case SGD, NESTEROV -> t.caffeName() + "'s momentum";
            case ADAGRAD -> "AdaGrad's sums of squared gradients";
            case RMSPROP -> "RMSProp's running averages of squared gradients";
            case ADADELTA -> "AdaDelta's running averages of squared gradients and of squared updates";
            case ADAM -> "Adam's first and second moment estimates";
        };
    }
}
