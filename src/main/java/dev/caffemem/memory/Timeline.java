package dev.caffemem.memory;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The life of a run, event by event, in order: what the process holds after each event and the most it
 * held during it. The kernel's OOM killer acts on the peak, whenever it comes, so the peak (not the steady
 * state after one iteration) is the number to compare with a machine's memory.
 *
 * @param events in the order they happen; never empty
 */
public record Timeline(List<Event> events) {

    /** What happens, in the order a {@code caffe train} (or {@code caffe test}) process does it. */
    public enum Stage {
        /** The executable and its libraries loaded, before the first layer: a measured baseline. */
        PROCESS_START("process start"),
        /** Net::Init of the train (or inference) net, one event per layer's SetUp. */
        NET_INIT("net init"),
        /** The end of Net::Init: weights shared by name replace the layers' own copies. */
        NET_INIT_DONE("net init done"),
        /**
         * Reading trained weights (a .caffemodel) into the built net: the whole file is parsed into one message
         * that holds every blob while the weights are copied in ({@code Net::CopyTrainedLayersFrom}).
         */
        LOAD_WEIGHTS("load weights"),
        /** Net::Init of one of the solver's test nets, one event per layer. */
        TEST_NET_INIT("test net init"),
        /** Net::ClearParamDiffs at the top of an iteration: every learnable parameter's gradient, zeroed. */
        CLEAR_DIFFS("clear param diffs"),
        /** A test pass (Solver::Test): trained weights shared, then forward passes. */
        TEST_PASS("test pass"),
        /** The forward pass of one training iteration (or of inference). */
        FORWARD("forward"),
        /** The backward pass of one training iteration. */
        BACKWARD("backward"),
        /** The solver's update (ApplyUpdate): history and scratch buffers. */
        UPDATE("update"),
        /** Writing the .caffemodel (or its HDF5 form). */
        SNAPSHOT_MODEL("snapshot: model"),
        /** Writing the .solverstate (or its HDF5 form). */
        SNAPSHOT_SOLVER_STATE("snapshot: solver state");

        private final String label;

        Stage(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The coarser phase a probe measures this stage in. */
        public Phase phase() {
            return switch (this) {
                case PROCESS_START -> Phase.START;
                case NET_INIT, NET_INIT_DONE, LOAD_WEIGHTS, TEST_NET_INIT -> Phase.INIT;
                case CLEAR_DIFFS -> Phase.CLEAR_DIFFS;
                case TEST_PASS -> Phase.TEST_PASS;
                case FORWARD -> Phase.FORWARD;
                case BACKWARD -> Phase.BACKWARD;
                case UPDATE -> Phase.UPDATE;
                case SNAPSHOT_MODEL, SNAPSHOT_SOLVER_STATE -> Phase.SNAPSHOT;
            };
        }
    }

    /**
     * The phases a real process can be measured between (the probe's child reads the allocator and resets the
     * peak at each): building the solver and its nets, then iteration 0's steps and the snapshot.
     */
    public enum Phase {
        START("start"), INIT("init"), CLEAR_DIFFS("clear diffs"), TEST_PASS("test pass"), FORWARD("forward"),
        BACKWARD("backward"), UPDATE("update"), SNAPSHOT("snapshot");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One phase of a run: what is held at its end and the most held during it.
     *
     * @param heldBytes      what is held when the phase is over
     * @param highWaterBytes the most held at any moment of it
     */
    public record PhaseBytes(Phase phase, long heldBytes, long highWaterBytes) {
    }

    /** The events grouped by phase, in the order the phases first come, each phase once. */
    public List<PhaseBytes> phases() {
        java.util.Map<Phase, PhaseBytes> out = new java.util.LinkedHashMap<>();
        for (Event e : events) {
            Phase p = e.stage().phase();
            PhaseBytes before = out.get(p);
            long high = before == null ? e.highWaterBytes() : Math.max(before.highWaterBytes(), e.highWaterBytes());
            out.put(p, new PhaseBytes(p, e.heldBytes(), high));
        }
        return List.copyOf(out.values());
    }

    /**
     * One event.
     *
     * @param iteration       the training iteration it belongs to, or -1 before the first
     * @param testNet         the solver's test net it concerns, or -1
     * @param subject         the layer it concerns (NET_INIT, TEST_NET_INIT), or what it is (e.g. "final
     *                        snapshot"), or null
     * @param heldBytes       what the process holds once the event is over (on the side that must fit:
     *                        host memory on the CPU, device memory on a GPU)
     * @param highWaterBytes  the most it held at any moment during the event (at least {@code heldBytes})
     */
    public record Event(Stage stage, int iteration, int testNet, String subject, long heldBytes, long highWaterBytes) {
        public Event {
            Objects.requireNonNull(stage, "stage");
            if (heldBytes < 0 || highWaterBytes < heldBytes) {
                throw new IllegalArgumentException(stage + ": held " + heldBytes + ", high water " + highWaterBytes);
            }
        }

        /** In words, e.g. "iteration 0: update", "test net init (test net 0), layer conv1". */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            if (iteration >= 0) {
                sb.append("iteration ").append(iteration).append(": ");
            }
            sb.append(stage.label());
            if (testNet >= 0) {
                sb.append(" (test net ").append(testNet).append(')');
            }
            if (subject != null) {
                boolean layer = stage == Stage.NET_INIT || stage == Stage.TEST_NET_INIT;
                sb.append(layer ? ", layer " : " (").append(subject).append(layer ? "" : ")");
            }
            return sb.toString();
        }
    }

    public Timeline {
        events = List.copyOf(events);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a timeline has at least one event");
        }
    }

    /** The event with the highest high-water mark (the first, if several tie). */
    public Event peak() {
        return events.stream().max(Comparator.comparingLong(Event::highWaterBytes)).orElseThrow();
    }

    public long peakBytes() {
        return peak().highWaterBytes();
    }

    /** What is held at the end of the last event. */
    public long finalBytes() {
        return events.get(events.size() - 1).heldBytes();
    }
}
