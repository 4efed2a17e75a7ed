package dev.caffemem.memory;

/**
 * Where a byte goes. The JSON names are a contract other tools read; this enum is the only place they are
 * spelled.
 */
public enum Component {
    ACTIVATION_DATA("activationData", "activation data"),
    ACTIVATION_DIFF("activationDiff", "activation diff"),
    PARAM_DATA("paramData", "param data"),
    PARAM_DIFF("paramDiff", "param diff"),
    SOLVER_STATE("solverState", "solver state"),
    LAYER_BUFFERS("layerBuffers", "layer buffers"),
    PREFETCH("prefetch", "prefetch"),
    TEST_NET("testNet", "test net"),
    /** C++ objects (Net, Layer, Blob shells, protobuf copies) and malloc's chunk rounding. */
    OVERHEAD("overhead", "objects, malloc"),
    /** cuDNN convolution workspaces (GPU only). */
    WORKSPACE("cudnnWorkspace", "cuDNN workspace"),
    /** The CUDA context and the cuBLAS, cuRAND and cuDNN handles and streams (GPU only). */
    CUDA_CONTEXT("cudaContext", "CUDA context, handles");

    private final String jsonName;
    private final String label;

    Component(String jsonName, String label) {
        this.jsonName = jsonName;
        this.label = label;
    }

    public String jsonName() {
        return jsonName;
    }

    public String label() {
        return label;
    }

    /** Components only a GPU run has. */
    public boolean gpuOnly() {
        return this == WORKSPACE || this == CUDA_CONTEXT;
    }

    /**
     * Components a blob-level census of a real net sees in full: the net's blobs, its parameters, the
     * solver's history and the test nets' blobs and parameters. (Of the solver state, a census sees the
     * history; {@link BufferKey#censused()} says which buffers exactly.)
     */
    public boolean blobLevel() {
        return switch (this) {
            case ACTIVATION_DATA, ACTIVATION_DIFF, PARAM_DATA, PARAM_DIFF, SOLVER_STATE, TEST_NET -> true;
            default -> false;
        };
    }

    /** The component of a JSON name, or null when no component has that name (e.g. a report's "total" row). */
    public static Component ofJsonNameOrNull(String name) {
        for (Component c : values()) {
            if (c.jsonName.equals(name)) {
                return c;
            }
        }
        return null;
    }
}
