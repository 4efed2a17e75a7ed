package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.List;

/**
 * SSD's detection heads (weiliu89/caffe ssd): DetectionOutput (detection_output_layer.cpp: decoding and NMS into a
 * 1 x 1 x D x 7 top, D = 1 at setup), DetectionEvaluate (detection_evaluate_layer.cpp: per class and detection, a
 * 1 x 1 x (classes - 1 + D) x 5 top) and MultiBoxLoss (multibox_loss_layer.cpp: a scalar loss). Their checks read
 * the prior count from bottom 2's height / 4, with Caffe's legacy accessors.
 */
final class DetectionShapes implements LayerKind {
    private final String type;

    DetectionShapes(String type) {
        this.type = type;
    }

    @Override
    public boolean isLoss() {
        return type.equals("MultiBoxLoss");
    }

    @Override
    public boolean allowForceBackward(int bottomIndex) {
        // LossLayer's rule; MultiBoxLoss does not override it
        return !isLoss() || bottomIndex != 1;
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return switch (type) {
            case "DetectionOutput" -> BlobCounts.range(3, 4, 1, 1);
            // ExactBottomBlobs (sic) in the header: no bottom count is checked
            case "DetectionEvaluate" -> BlobCounts.range(2, -1, 1, 1);
            default -> BlobCounts.exact(4, 1).withAutoTop();
        };
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        return LayerShapes.of(List.of(switch (type) {
            case "DetectionOutput" -> detectionOutput(ctx);
            case "DetectionEvaluate" -> detectionEvaluate(ctx);
            default -> multiBoxLoss(ctx);
        }));
    }

    private static Shape detectionOutput(SetupContext ctx) {
        Message p = ctx.layer().params("detection_output_param");
        int classes = classes(ctx, p, "detection_output_param");
        if (p.getMessage("nms_param").getDouble("nms_threshold") < 0) {
            throw ctx.error("detection_output_param.nms_param.nms_threshold must be non negative");
        }
        double eta = p.getMessage("nms_param").getDouble("eta");
        if (eta <= 0 || eta > 1) {
            throw ctx.error("detection_output_param.nms_param.eta must be in (0, 1] (found " + eta + ")");
        }
        checkPredictions(ctx, classes, p.getBool("share_location"));
        return Shape.of(1, 1, 1, 7);
    }

    /** Reshape at setup reads the detections, all zero then, so each of the D = 1 rows counts as valid. */
    private static Shape detectionEvaluate(SetupContext ctx) {
        Message p = ctx.layer().params("detection_evaluate_param");
        int classes = classes(ctx, p, "detection_evaluate_param");
        if (p.getDouble("overlap_threshold") <= 0) {
            throw ctx.error("detection_evaluate_param.overlap_threshold must be positive");
        }
        Shape det = ctx.bottom(0);
        Shape gt = ctx.bottom(1);
        if (Legacy.dim(ctx, det, Legacy.NUM) != 1 || Legacy.dim(ctx, det, Legacy.CHANNELS) != 1
                || Legacy.dim(ctx, det, Legacy.WIDTH) != 7) {
            throw ctx.error("DetectionEvaluate needs 1 x 1 x D x 7 detections, found " + det.dimsString());
        }
        if (Legacy.dim(ctx, gt, Legacy.NUM) != 1 || Legacy.dim(ctx, gt, Legacy.CHANNELS) != 1
                || Legacy.dim(ctx, gt, Legacy.WIDTH) != 8) {
            throw ctx.error("DetectionEvaluate needs 1 x 1 x G x 8 ground truth, found " + gt.dimsString());
        }
        return Shape.of(1, 1, positiveClasses(p) + Legacy.dim(ctx, det, Legacy.HEIGHT), 5);
    }

    /** Classes that are not the background (background_label_id is unsigned here, so never -1). */
    static int positiveClasses(Message detectionEvaluate) {
        return detectionEvaluate.getInt("num_classes") - 1;
    }

    private static Shape multiBoxLoss(SetupContext ctx) {
        Message p = ctx.layer().params("multibox_loss_param");
        int classes = classes(ctx, p, "multibox_loss_param");
        if (classes < 1) {
            throw ctx.error("multibox_loss_param.num_classes should not be less than 1");
        }
        boolean shared = p.getBool("share_location");
        String mining = p.getEnum("mining_type");
        if (p.has("do_neg_mining") && p.getBool("do_neg_mining") != !mining.equals("NONE")) {
            throw ctx.error("multibox_loss_param: do_neg_mining (deprecated) contradicts mining_type " + mining);
        }
        if (!mining.equals("NONE") && !shared) {
            throw ctx.error("multibox_loss_param: negative mining is only supported with share_location");
        }
        long background = p.getLong("background_label_id");
        if (p.getEnum("conf_loss_type").equals("SOFTMAX") && background >= classes) {
            throw ctx.error("multibox_loss_param.background_label_id should be within [0, num_classes) for Softmax");
        }
        checkPredictions(ctx, classes, shared);
        return Shape.scalar();
    }

    private static int classes(SetupContext ctx, Message p, String field) {
        if (!p.has("num_classes")) {
            throw ctx.error("must specify " + field + ".num_classes");
        }
        return p.getInt("num_classes");
    }

    /** Location and confidence predictions must cover every prior (bottom 2 is 1 x 2 x priors x 4). */
    private static void checkPredictions(SetupContext ctx, int classes, boolean sharedLocation) {
        Shape loc = ctx.bottom(0);
        Shape conf = ctx.bottom(1);
        if (Legacy.dim(ctx, loc, Legacy.NUM) != Legacy.dim(ctx, conf, Legacy.NUM)) {
            throw ctx.error("location and confidence predictions must have the same number of images ("
                    + loc.dimsString() + " vs " + conf.dimsString() + ")");
        }
        long priors = priors(ctx);
        long locClasses = sharedLocation ? 1 : classes;
        if (priors * locClasses * 4 != Legacy.dim(ctx, loc, Legacy.CHANNELS)) {
            throw ctx.error("number of priors (" + priors + ") must match number of location predictions ("
                    + loc.dimsString() + ")");
        }
        if (priors * classes != Legacy.dim(ctx, conf, Legacy.CHANNELS)) {
            throw ctx.error("number of priors (" + priors + ") x " + classes
                    + " classes must match number of confidence predictions (" + conf.dimsString() + ")");
        }
    }

    /** {@code num_priors_}: bottom 2's height / 4. */
    static int priors(SetupContext ctx) {
        return Legacy.dim(ctx, ctx.bottom(2), Legacy.HEIGHT) / 4;
    }
}
