package dev.caffemem.model;

import dev.caffemem.memory.Component;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;

/**
 * SSD's prior and detection layers (weiliu89/caffe ssd): PriorBox writes its top and never reads its bottoms'
 * data (prior_box_layer.cpp); DetectionOutput decodes and suppresses on the host into a top that forward reshapes
 * to the detections kept (detection_output_layer.cpp; its GPU forward first decodes and permutes into three
 * bottom-sized blobs, detection_output_layer.cu); DetectionEvaluate reads the detections already at setup and
 * writes a row per class and detection (detection_evaluate_layer.cpp). The detections a forward keeps depend on
 * the data: they are billed at the most the parameters allow, and the tops keep their setup shapes.
 */
final class DetectionBehavior implements LayerBehavior {
    private final String type;

    DetectionBehavior(String type) {
        this.type = type;
    }

    /**
     * The top's buffer at its forward size (Blob::Reshape to a larger count replaces it), made once here and
     * written by each forward; DetectionEvaluate's Reshape counts the valid detections in bottom 0 at setup.
     */
    @Override
    public void setUp(LayerRun r) {
        switch (type) {
            case "DetectionOutput" -> r.setExternalData(r.top(0), r.detached("detections_at_forward",
                    mostKept(r, r.params("detection_output_param")) * 7, Component.ACTIVATION_DATA, false));
            case "DetectionEvaluate" -> {
                r.bottom(0).touchData();
                long rows = positiveClasses(r) + detectionRows(r.bottom(0));
                r.setExternalData(r.top(0), r.detached("evaluation_at_forward", rows * 5, Component.ACTIVATION_DATA, false));
            }
            default -> {
            }
        }
    }

    @Override
    public void forward(LayerRun r) {
        switch (type) {
            case "PriorBox" -> r.top(0).touchData();
            case "DetectionOutput" -> detectionOutput(r);
            default -> {
                r.bottom(0).touchData();
                r.bottom(1).touchData();
                r.top(0).touchData();
            }
        }
    }

    private static void detectionOutput(LayerRun r) {
        Message p = r.params("detection_output_param");
        if (r.gpu()) {
            long loc = r.bottom(0).count();
            r.internal("bbox_preds", loc).touchData();
            if (!p.getBool("share_location")) {
                r.internal("bbox_permute", loc).touchData();
            }
            r.internal("conf_permute", r.bottom(1).count()).touchData();
            // the suppression runs on the host: cpu_data() copies them back
            r.onHost(() -> {
                r.internal(p.getBool("share_location") ? "bbox_preds" : "bbox_permute", loc).touchData();
                r.internal("conf_permute", r.bottom(1).count()).touchData();
            });
        }
        for (int i = 0; i < 3; i++) {
            r.bottom(i).touchData();
        }
        r.onHost(() -> r.top(0).touchData());
    }

    /**
     * The most rows Forward can write: per image, top_k (or all priors) per non-background class, cut to keep_top_k;
     * at least one row per image (the "no detection" rows).
     */
    static long mostKept(LayerRun r, Message p) {
        Shape loc = r.bottom(0).shape();
        long images = loc.dim(0);
        long priors = (r.bottom(2).shape().axes() > 2 ? r.bottom(2).shape().dim(2) : 1) / 4;
        long classes = p.getLong("num_classes");
        long background = p.getLong("background_label_id");
        long scored = classes - (background >= 0 && background < classes ? 1 : 0);
        Message nms = p.getMessage("nms_param");
        long perClass = nms.has("top_k") && nms.getLong("top_k") > -1 ? Math.min(nms.getLong("top_k"), priors) : priors;
        long perImage = scored * perClass;
        long keep = p.getLong("keep_top_k");
        if (keep > -1) {
            perImage = Math.min(perImage, keep);
        }
        return Math.max(images, images * perImage);
    }

    /** The rows of a 1 x 1 x D x 7 detection blob as DetectionOutput's forward leaves it. */
    private static long detectionRows(SimBlob detections) {
        return Math.max(detections.shape().count() / 7, detections.data().bytes() / (7L * Float.BYTES));
    }

    private static long positiveClasses(LayerRun r) {
        return r.params("detection_evaluate_param").getLong("num_classes") - 1;
    }

    @Override
    public void backward(LayerRun r) {
        if (!type.equals("PriorBox")) {
            throw r.fatal(type + " has no backward (NOT_IMPLEMENTED in weiliu89/caffe ssd); Caffe aborts when a loss"
                    + " depends on it");
        }
    }
}
