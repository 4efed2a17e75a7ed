package dev.caffemem.model;

import dev.caffemem.net.NetGraph;
import dev.caffemem.shape.LayerKinds;
import dev.caffemem.shape.LenientShapes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the estimate says about forks' layers (docs/forks.md): which fork's sources each is modelled from, that none
 * is measured, where a data-dependent size is billed at its most, and which layers --lenient only guessed at.
 */
final class Forks {
    private static final Set<String> SSD = Set.of("AnnotatedData", "Permute", "PriorBox", "Normalize", "DetectionOutput",
            "DetectionEvaluate", "MultiBoxLoss");

    private Forks() {
    }

    /** Fork layers with no GPU code (or only host code of their own): in GPU mode they run on the host. */
    static boolean cpuOnly(String type) {
        return switch (type) {
            case "Python", "PriorBox", "DetectionEvaluate", "MultiBoxLoss" -> true;
            default -> false;
        };
    }

    /** The fork whose sources a layer is modelled from, or null for Caffe 1.0's own and unknown layers. */
    static String fork(NetGraph.Layer l) {
        if (SSD.contains(l.type())) {
            return "SSD (weiliu89/caffe, branch ssd)";
        }
        if (l.type().equals("SmoothL1Loss")) {
            return LayerKinds.fastRcnnSmoothL1(l.spec()) ? "caffe-fast-rcnn (rbgirshick/caffe-fast-rcnn)"
                    : "SSD (weiliu89/caffe, branch ssd)";
        }
        if (l.type().equals("ROIPooling")) {
            return "caffe-fast-rcnn (rbgirshick/caffe-fast-rcnn)";
        }
        if (LayerKinds.pyFasterRcnn(l.spec()) != null) {
            return "py-faster-rcnn (rbgirshick/py-faster-rcnn, lib/)";
        }
        if (l.type().equals("Interp")) {
            return "PSPNet/DeepLab (hszhao/PSPNet)";
        }
        return null;
    }

    static List<String> notes(NetGraph graph) {
        List<String> notes = new ArrayList<>();
        Set<String> forks = new LinkedHashSet<>();
        for (NetGraph.Layer l : graph.layers()) {
            String fork = fork(l);
            if (fork != null) {
                forks.add(fork);
            }
            if (l.kind() instanceof LenientShapes) {
                notes.add("--lenient: layer \"" + l.name() + "\" (" + l.type() + ") is of a type caffemem does not model:"
                        + " assumed shape-preserving, with no parameters or buffers of its own; its share of this bill"
                        + " is a guess");
            }
        }
        for (String fork : forks) {
            notes.add(fork + " layers are modelled from that fork's sources, not measured (no build of it is at hand"
                    + " here): see docs/forks.md");
        }
        for (NetGraph.Layer l : graph.layers()) {
            String bound = bound(l);
            if (bound != null) {
                notes.add("layer \"" + l.name() + "\" (" + l.type() + "): " + bound);
            }
        }
        return notes;
    }

    /** Where a fork layer's size depends on the data, what the bill assumes. */
    private static String bound(NetGraph.Layer l) {
        String py = LayerKinds.pyFasterRcnn(l.spec());
        if (py != null && (py.endsWith("ProposalLayer") || py.endsWith("ProposalTargetLayer"))) {
            int regions = l.topShapes().get(0).dim(0);
            String why = py.endsWith("ProposalTargetLayer") ? "py-faster-rcnn samples at most TRAIN.BATCH_SIZE = 128; --rois sets it"
                    : l.phase() == dev.caffemem.net.Phase.TRAIN ? "the most TRAIN.RPN_POST_NMS_TOP_N lets through"
                    : "py-faster-rcnn keeps at most TEST.RPN_POST_NMS_TOP_N = 300; --rois sets it";
            return "billed at " + regions + " regions (" + why + "); Caffe's log figure counts the one-region"
                    + " placeholders its setup() reshapes to";
        }
        if (py != null && py.endsWith("RoIDataLayer")) {
            return "the largest image (600 x 1000); py-faster-rcnn trains from Python, whose interpreter, numpy"
                    + " arrays and roidb are not in this bill";
        }
        return switch (l.type()) {
            case "AnnotatedData" -> AnnotatedDataBehavior.PREFETCH_COUNT + " prefetch batches and tops of its own;"
                    + " the reader's queue of data_param.prefetch x batch_size records and the transform's"
                    + " temporary images (expand_param enlarges them) are not counted";
            case "DetectionOutput" -> "billed at the most detections its parameters allow (keep_top_k per image, else"
                    + " every scored prior); the decoding's temporary host vectors are not counted";
            case "DetectionEvaluate" -> "billed at one row per class and detection, the detections at their most";
            case "MultiBoxLoss" -> "matched priors and kept confidences billed at their most, every prior of every image";
            default -> null;
        };
    }
}
