package dev.caffemem.shape;

import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;

/**
 * What Caffe 1.0's fillers refuse about the blob they fill (include/caffe/filler.hpp, GetFiller), checked
 * where a layer's LayerSetUp fills a blob: an unknown filler name, sparsity outside the gaussian filler,
 * the legacy num()/channels() accessors of xavier, msra and positive_unitball on a blob of more than 4
 * axes (a 3-D convolution's weights), and bilinear's 4-axis square kernels.
 */
final class Fillers {

    /** {@code Blob::LegacyShape}'s CHECK (include/caffe/blob.hpp), word for word. */
    static final String LEGACY_ACCESSORS = "Cannot use legacy accessors on Blobs with > 4 axes.";

    private Fillers() {
    }

    /**
     * @param filler the FillerParameter as the layer passes it (an absent one reads as its defaults: constant)
     * @param what   which blob, for the message (e.g. "weight_filler")
     */
    static void check(SetupContext ctx, Message filler, Shape blob, String what) {
        String type = filler.getString("type");
        switch (type) {
            case "constant", "uniform", "gaussian", "positive_unitball", "xavier", "msra", "bilinear" -> {
            }
            default -> throw ctx.error(what + ": Unknown filler name: " + type);
        }
        if (filler.getInt("sparse") != -1 && !type.equals("gaussian")) {
            throw ctx.error(what + " (" + type + "): Sparsity not supported by this Filler.");
        }
        boolean legacy = type.equals("xavier") || type.equals("msra") || type.equals("positive_unitball");
        if (legacy && blob.axes() > 4) {
            // the fan-in/fan-out (or per-row) arithmetic reads blob->num() and blob->channels()
            throw ctx.error(what + " (" + type + ") on a blob of " + blob.axes() + " axes (" + blob.dimsString()
                    + "): " + LEGACY_ACCESSORS);
        }
        if (type.equals("bilinear")) {
            if (blob.axes() != 4) {
                throw ctx.error(what + " (bilinear) on a blob of " + blob.axes() + " axes (" + blob.dimsString()
                        + "): Blob must be 4 dim.");
            }
            if (blob.dim(2) != blob.dim(3)) {
                throw ctx.error(what + " (bilinear) on " + blob.dimsString() + ": Filter must be square");
            }
        }
    }
}
