package dev.caffemem.model;

/** Where a byte goes. The JSON names are a contract other tools read. */
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
}
