package dev.caffemem.net;

import dev.caffemem.prototxt.SourcePos;

/**
 * A net that Caffe would refuse (or abort on), reported as one line that names where:
 * {@code file:line:column: layer "conv1" (Convolution): what is wrong}.
 */
public final class NetException extends RuntimeException {
    private final transient SourcePos pos;

    public NetException(SourcePos pos, String message) {
        super(pos == null ? message : pos + ": " + message);
        this.pos = pos;
    }

    public static NetException at(LayerSpec layer, String message) {
        return new NetException(layer.pos(), layer.describe() + ": " + message);
    }

    public SourcePos pos() {
        return pos;
    }
}
