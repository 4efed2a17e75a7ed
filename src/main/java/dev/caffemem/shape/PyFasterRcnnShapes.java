package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.Phase;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * py-faster-rcnn's four Python layers (rbgirshick/py-faster-rcnn, lib/), recognised by their python_param module
 * and layer. Their tops are given the shapes their forward passes write, since those, not the placeholders their
 * setup() reshapes to, are what the following layers (ROIPooling and the head) are sized by; counts from
 * lib/fast_rcnn/config.py with experiments/cfgs/faster_rcnn_end2end.yml on top:
 * <ul>
 * <li>roi_data_layer.layer.RoIDataLayer: data IMS_PER_BATCH x 3 x max(SCALES) x MAX_SIZE = 1 x 3 x 600 x 1000, the
 * largest image (a smaller one reuses the buffer), im_info 1 x 3, gt_boxes 1 x 5 (one box; G x 5 for G boxes);
 * without an RPN (Fast R-CNN's 5 or 6 tops), rois BATCH_SIZE x 5 and per-region labels and targets.</li>
 * <li>rpn.anchor_target_layer.AnchorTargetLayer: for the score map's H x W and A = 3 x len(scales) anchors, labels
 * 1 x 1 x A·H x W and three 1 x 4A x H x W target and weight maps; one image only.</li>
 * <li>rpn.proposal_layer.ProposalLayer: R x 5 regions (and R x 1 scores), R = RPN_POST_NMS_TOP_N: 2000 in TRAIN,
 * 300 in TEST ({@code --rois} in TEST).</li>
 * <li>rpn.proposal_target_layer.ProposalTargetLayer: R = BATCH_SIZE = 128 sampled regions ({@code --rois}): rois
 * R x 5, labels R, and three R x 4·num_classes target and weight maps.</li>
 * </ul>
 * Each count is the most the code produces (fewer when NMS or sampling runs short).
 */
final class PyFasterRcnnShapes implements LayerKind {
    static final int MAX_SCALE = 600;
    static final int MAX_SIZE = 1000;
    static final int TRAIN_POST_NMS = 2000;
    static final int TEST_POST_NMS = 300;
    static final int ROI_BATCH = 128;
    private static final int RATIOS = 3;

    /** Which of the four, from python_param; null for any other Python layer. */
    static String which(LayerSpec layer) {
        if (!layer.type().equals("Python")) {
            return null;
        }
        Message p = layer.params("python_param");
        String id = p.getString("module") + "." + p.getString("layer");
        return switch (id) {
            case "roi_data_layer.layer.RoIDataLayer", "rpn.anchor_target_layer.AnchorTargetLayer",
                    "rpn.proposal_layer.ProposalLayer", "rpn.proposal_target_layer.ProposalTargetLayer" -> id;
            default -> null;
        };
    }

    @Override
    public BlobCounts counts(LayerSpec layer) {
        // Caffe checks nothing for Python layers; the Python code indexes what it needs
        return BlobCounts.range(0, -1, 0, -1);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        String which = which(ctx.layer());
        return LayerShapes.of(switch (which.substring(which.lastIndexOf('.') + 1)) {
            case "RoIDataLayer" -> roiData(ctx);
            case "AnchorTargetLayer" -> anchorTarget(ctx);
            case "ProposalLayer" -> proposal(ctx);
            default -> proposalTarget(ctx);
        });
    }

    private static List<Shape> roiData(SetupContext ctx) {
        need(ctx, 0, ctx.topCount() == 3 || ctx.topCount() == 6);
        int classes = intParam(ctx, "num_classes");
        // cfg.TRAIN.HAS_RPN decides the tops; three not starting data, rois, labels are the RPN's
        if (ctx.topCount() == 3 && !ctx.top(1).equals("rois")) {
            // HAS_RPN (end to end): get_minibatch takes a single image
            int batch = ctx.overrides().batchOr(1);
            if (batch != 1) {
                throw ctx.error("py-faster-rcnn's RoIDataLayer with an RPN takes one image per batch (IMS_PER_BATCH: 1;"
                        + " minibatch.py asserts it), not " + batch);
            }
            return List.of(Shape.of(1, 3, MAX_SCALE, MAX_SIZE), Shape.of(1, 3), Shape.of(1, 5));
        }
        int batch = ctx.overrides().batchOr(2);
        int rois = ctx.overrides().rois() != null ? ctx.overrides().rois() : ROI_BATCH;
        Shape targets = Shape.of(rois, 4 * classes);
        List<Shape> tops = new java.util.ArrayList<>(List.of(Shape.of(batch, 3, MAX_SCALE, MAX_SIZE),
                Shape.of(rois, 5), Shape.of(rois), targets, targets, targets));
        return tops.subList(0, ctx.topCount());
    }

    private static List<Shape> anchorTarget(SetupContext ctx) {
        need(ctx, 3, ctx.topCount() == 4);
        intParam(ctx, "feat_stride");
        Shape score = ctx.bottom(0);
        if (score.axes() < 2 || score.dim(0) != 1) {
            throw ctx.error("AnchorTargetLayer supports single-image batches only (anchor_target_layer.py asserts);"
                    + " its score map is " + score.dimsString());
        }
        int h = score.dim(score.axes() - 2);
        int w = score.dim(score.axes() - 1);
        int anchors = RATIOS * scales(ctx);
        Shape maps = Shape.of(1, 4 * anchors, h, w);
        return List.of(Shape.of(1, 1, Math.multiplyExact(anchors, h), w), maps, maps, maps);
    }

    private static List<Shape> proposal(SetupContext ctx) {
        need(ctx, 3, ctx.topCount() == 1 || ctx.topCount() == 2);
        if (ctx.bottom(0).axes() < 1 || ctx.bottom(0).dim(0) != 1) {
            throw ctx.error("ProposalLayer supports single-image batches only (proposal_layer.py asserts); its scores"
                    + " are " + ctx.bottom(0).dimsString());
        }
        intParam(ctx, "feat_stride");
        scales(ctx);
        int regions = ctx.phase() == Phase.TRAIN ? TRAIN_POST_NMS
                : ctx.overrides().rois() != null ? ctx.overrides().rois() : TEST_POST_NMS;
        return ctx.topCount() == 1 ? List.of(Shape.of(regions, 5)) : List.of(Shape.of(regions, 5), Shape.of(regions, 1));
    }

    private static List<Shape> proposalTarget(SetupContext ctx) {
        need(ctx, 2, ctx.topCount() == 5);
        int classes = intParam(ctx, "num_classes");
        int rois = ctx.overrides().rois() != null ? ctx.overrides().rois() : ROI_BATCH;
        Shape targets = Shape.of(rois, Math.multiplyExact(4, classes));
        return List.of(Shape.of(rois, 5), Shape.of(rois), targets, targets, targets);
    }

    /** The Python code indexes bottom[bottoms - 1] and its tops; Caffe itself checks no counts. */
    private static void need(SetupContext ctx, int bottoms, boolean topsFit) {
        if (ctx.bottoms().size() < bottoms || !topsFit) {
            throw ctx.error("does not have the bottoms and tops py-faster-rcnn's " + ctx.layer().params("python_param")
                    .getString("layer") + " uses (" + ctx.bottoms().size() + " bottoms, " + ctx.topCount() + " tops)");
        }
    }

    /** An integer of param_str, a YAML mapping such as {@code 'feat_stride': 16}; required as the Python code has it. */
    private static int intParam(SetupContext ctx, String key) {
        Matcher m = Pattern.compile("['\"]?" + key + "['\"]?\\s*:\\s*(\\d+)").matcher(paramStr(ctx));
        if (!m.find()) {
            throw ctx.error("python_param.param_str has no '" + key + "' (the Python layer reads it: KeyError)");
        }
        return Integer.parseInt(m.group(1));
    }

    /** How many anchor scales param_str gives ('scales': (8, 16, 32) by default). */
    private static int scales(SetupContext ctx) {
        Matcher m = Pattern.compile("['\"]?scales['\"]?\\s*:\\s*[\\[(]([^\\])]*)[\\])]").matcher(paramStr(ctx));
        if (!m.find()) {
            return 3;
        }
        long n = java.util.Arrays.stream(m.group(1).split(",")).filter(s -> !s.isBlank()).count();
        if (n == 0) {
            throw ctx.error("python_param.param_str gives no anchor scales");
        }
        return Math.toIntExact(n);
    }

    private static String paramStr(SetupContext ctx) {
        return ctx.layer().params("python_param").getString("param_str").toLowerCase(Locale.ROOT);
    }
}
