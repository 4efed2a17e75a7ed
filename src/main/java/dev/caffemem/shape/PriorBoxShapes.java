package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * SSD's PriorBox (weiliu89/caffe ssd, src/caffe/layers/prior_box_layer.cpp): for every cell of the feature map
 * (bottom 0) and every prior, 4 coordinates and their 4 variances: a 1 x 2 x (H x W x priors x 4) top. Priors per
 * cell: one per aspect ratio (1, each given ratio once, and its inverse with {@code flip}) per min_size, plus one
 * per max_size. The image (bottom 1) is read only for its size, when img_size/img_h/img_w are not given.
 */
final class PriorBoxShapes implements LayerKind {

    @Override
    public BlobCounts counts(LayerSpec layer) {
        // the header declares ExactBottomBlobs (not ExactNumBottomBlobs), so Caffe checks no bottom count
        return BlobCounts.range(1, -1, 1, 1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Message p = ctx.layer().params("prior_box_param");
        int priors = priorsPerCell(ctx, p);
        checkSizes(ctx, p);
        Shape feature = ctx.bottom(0);
        long cells = (long) Legacy.dim(ctx, feature, Legacy.HEIGHT) * Legacy.dim(ctx, feature, Legacy.WIDTH);
        long length = Math.multiplyExact(cells, priors * 4L);
        if (length <= 0) {
            throw ctx.error("the feature map " + feature.dimsString() + " has no cells for priors");
        }
        return LayerShapes.of(List.of(Shape.of(1, 2, Math.toIntExact(length))));
    }

    /** {@code num_priors_}: aspect ratios (1 first, duplicates within 1e-6 dropped) x min sizes, + max sizes. */
    static int priorsPerCell(SetupContext ctx, Message p) {
        List<Double> mins = p.getDoubles("min_size");
        if (mins.isEmpty()) {
            throw ctx.error("prior_box_param must provide min_size");
        }
        for (double m : mins) {
            if (m <= 0) {
                throw ctx.error("prior_box_param.min_size must be positive (found " + m + ")");
            }
        }
        List<Float> ratios = new ArrayList<>(List.of(1f));
        for (double d : p.getDoubles("aspect_ratio")) {
            float ar = (float) d;
            if (ratios.stream().noneMatch(r -> Math.abs(ar - r) < 1e-6)) {
                ratios.add(ar);
                if (p.getBool("flip")) {
                    ratios.add((float) (1.0 / ar));
                }
            }
        }
        List<Double> maxs = p.getDoubles("max_size");
        if (!maxs.isEmpty() && maxs.size() != mins.size()) {
            throw ctx.error("prior_box_param needs as many max_size as min_size (" + maxs.size() + " vs " + mins.size() + ")");
        }
        for (int i = 0; i < maxs.size(); i++) {
            if (maxs.get(i) <= mins.get(i)) {
                throw ctx.error("prior_box_param.max_size must be greater than min_size (" + maxs.get(i) + " <= "
                        + mins.get(i) + ")");
            }
        }
        return ratios.size() * mins.size() + maxs.size();
    }

    /** The variance, image size and step checks of LayerSetUp; and Forward reads bottom 1's size without an img size. */
    private static void checkSizes(SetupContext ctx, Message p) {
        List<Double> variance = p.getDoubles("variance");
        if (variance.size() > 1 && variance.size() != 4) {
            throw ctx.error("prior_box_param.variance takes 1 or 4 values (found " + variance.size() + ")");
        }
        if (variance.stream().anyMatch(v -> v <= 0)) {
            throw ctx.error("prior_box_param.variance must be positive");
        }
        boolean hw = p.has("img_h") || p.has("img_w");
        if (hw && p.has("img_size")) {
            throw ctx.error("prior_box_param: either img_size or img_h/img_w should be specified; not both");
        }
        if (hw && (p.getLong("img_h") <= 0 || p.getLong("img_w") <= 0)) {
            throw ctx.error("prior_box_param.img_h and img_w should be larger than 0");
        }
        if ((p.has("step_h") || p.has("step_w")) && p.has("step")) {
            throw ctx.error("prior_box_param: either step or step_h/step_w should be specified; not both");
        }
        boolean imageSize = hw || p.getLong("img_size") > 0;
        if (!imageSize && ctx.bottoms().size() < 2) {
            throw ctx.error("without img_size (or img_h and img_w) PriorBox reads the image size from a second bottom,"
                    + " and this layer has one");
        }
    }
}
