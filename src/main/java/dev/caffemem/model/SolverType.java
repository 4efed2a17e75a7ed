package dev.caffemem.model;

import java.util.Locale;

/**
 * The six solvers of Caffe 1.0 and the parameter-sized buffers each one's ComputeUpdateValue touches
 * (src/caffe/solvers/*.cpp). Every solver creates history_, update_ and temp_ in PreSolve; AdaDelta
 * and Adam add a second history set. Only touched buffers cost memory.
 */
public enum SolverType {
    SGD("SGD", 1, false, false, false),
    NESTEROV("Nesterov", 1, true, false, false),
    ADAGRAD("AdaGrad", 1, true, false, false),
    RMSPROP("RMSProp", 1, true, false, false),
    ADADELTA("AdaDelta", 2, true, true, false),
    ADAM("Adam", 2, false, true, true);

    private final String caffeName;
    private final int historySets;
    private final boolean cpuUpdate;
    private final boolean cpuTemp;
    private final boolean adam;

    SolverType(String caffeName, int historySets, boolean cpuUpdate, boolean cpuTemp, boolean adam) {
        this.caffeName = caffeName;
        this.historySets = historySets;
        this.cpuUpdate = cpuUpdate;
        this.cpuTemp = cpuTemp;
        this.adam = adam;
    }

    /** The {@code type} string Caffe's solver registry knows. */
    public String caffeName() {
        return caffeName;
    }

    /** history_ has this many parameter-sized blobs per learnable parameter. */
    public int historySets() {
        return historySets;
    }

    /** Whether the CPU update writes update_ (GPU kernels work in place and never do). */
    public boolean touchesUpdate(Mode mode) {
        return mode == Mode.CPU && cpuUpdate;
    }

    /** Whether the update itself writes temp_ (CPU only); L1 regularization also does, in both modes. */
    public boolean touchesTemp(Mode mode) {
        return mode == Mode.CPU && cpuTemp;
    }

    public boolean isAdam() {
        return adam;
    }

    /** Accepts the registry names (case-insensitive) and the legacy solver_type enum names. */
    public static SolverType parse(String name) {
        for (SolverType t : values()) {
            if (t.caffeName.equalsIgnoreCase(name) || t.name().equals(name.toUpperCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown solver type \"" + name
                + "\"; Caffe 1.0 knows SGD, Nesterov, AdaGrad, RMSProp, AdaDelta, Adam");
    }
}
