package dev.caffemem.compare;

import dev.caffemem.fit.LinearFit;

/**
 * One row of a probe report at the target batch: one quantity as the model estimates it, as the line
 * through the probe's points extrapolates it, and (with --verify) as measured at the target.
 *
 * @param name     a component's JSON name, or one of the row names below
 * @param fit      the line through the points for this quantity
 * @param measured the --verify measurement, or null
 */
public record Comparison(String name, long estimated, long extrapolated, Long measured, LinearFit fit) {
    /** Everything glibc counts beyond the census: layer buffers, the solver's scratch, C++ objects, rounding. */
    public static final String LAYER_BUFFERS_AND_OVERHEAD = "layerBuffersAndOverhead";
    /** glibc's whole count (on a GPU: pageable host memory). */
    public static final String TOTAL = "total";
    /** On a GPU: what the process held on the device before the point's nets. */
    public static final String CUDA_CONTEXT = "cudaContext";
    /** On a GPU: census bytes on the device. */
    public static final String DEVICE_BLOBS = "deviceBlobs";
    /** On a GPU: the rest of the device's growth (layer buffers, prefetch, workspaces, handles, rounding). */
    public static final String DEVICE_OTHER = "deviceOther";
    /** On a GPU: the device's whole bill. */
    public static final String DEVICE = "device";

    /** (extrapolated - measured) / measured, or NaN without a measurement. */
    public double extrapolationError() {
        return measured == null || measured == 0 ? Double.NaN : (extrapolated - (double) measured) / measured;
    }

    /** (estimated - measured) / measured, or NaN. */
    public double estimateError() {
        return measured == null || measured == 0 ? Double.NaN : (estimated - (double) measured) / measured;
    }

    /** (estimated - extrapolated) / extrapolated. */
    public double estimateVersusExtrapolation() {
        return extrapolated == 0 ? (estimated == 0 ? 0 : Double.NaN) : (estimated - (double) extrapolated) / extrapolated;
    }
}
