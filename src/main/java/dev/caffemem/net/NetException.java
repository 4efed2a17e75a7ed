package dev.caffemem.net;

import dev.caffemem.prototxt.SourcePos;

/**
 * A net that Caffe would refuse (or abort on), reported as one line that names where:
 * {@code file:line:column: layer "conv1" (Convolution): what is wrong}.
 */
public final class NetException extends RuntimeException {
    private final transient SourcePos pos;
    private final String detail;

    public NetException(SourcePos pos, String message) {
        super(pos == null ? message : pos + ": " + message);
        this.pos = pos;
        this.detail = message;
    }

    /** The same error with what was being done when it happened, e.g. "at probe batch 8", after the message. */
    public NetException during(String context) {
        NetException e = new NetException(pos, detail + " (" + context + ")");
        e.initCause(this);
        return e;
    }

    public static NetException at(LayerSpec layer, String message) {
        return new NetException(layer.pos(), layer.describe() + ": " + message);
    }

    public SourcePos pos() {
        return pos;
    }
}
