package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The forks' published architectures, as this project's own fixtures (src/test/resources/dev/caffemem/forks), through
 * the CLI's JSON: they estimate with exit 0 and the shapes their authors' logs and code imply, and say that they are
 * modelled from source, not measured.
 */
class ForkNetsTest {
    private static final String DIR = "src/test/resources/dev/caffemem/forks/";
    private static final String MODELLED = "layers are modelled from that fork's sources, not measured";

    private static JsonNode json(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--format";
        all[args.length + 1] = "json";
        CliRun r = CliRun.of(all);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    /** Top name to its shape as JSON text, e.g. "[1,2,7668]". */
    private static Map<String, String> tops(JsonNode estimate) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode layer : estimate.get("layers")) {
            for (JsonNode top : layer.get("tops")) {
                out.put(top.get("name").asText(), top.get("shape").toString());
            }
        }
        return out;
    }

    private static JsonNode layer(JsonNode estimate, String name) {
        for (JsonNode layer : estimate.get("layers")) {
            if (layer.get("name").asText().equals(name)) {
                return layer;
            }
        }
        throw new AssertionError("no layer " + name);
    }

    @Test
    void mobileNetSsdDeployHas1917PriorsAndOneDetectionRowAtSetup() throws Exception {
        JsonNode e = json("estimate", DIR + "mobilenet-ssd-deploy.prototxt", "--phase", "TEST");
        Map<String, String> tops = tops(e);
        // 19x19x3 + (10x10 + 5x5 + 3x3 + 2x2 + 1x1) x 6 = 1917 priors, 4 coordinates each, and their variances
        assertThat(tops).containsEntry("mbox_priorbox", "[1,2,7668]").containsEntry("mbox_loc", "[1,7668]")
                .containsEntry("mbox_conf", "[1,40257]").containsEntry("mbox_conf_reshape", "[1,1917,21]")
                .containsEntry("mbox_conf_flatten", "[1,40257]").containsEntry("detection_out", "[1,1,1,7]")
                .containsEntry("conv11_mbox_conf_perm", "[1,19,19,63]").containsEntry("conv13_mbox_priorbox", "[1,2,2400]")
                .containsEntry("conv17_2", "[1,128,1,1]");
        assertThat(e.get("notes").toString()).contains("SSD (weiliu89/caffe, branch ssd) " + MODELLED);
        // keep_top_k: 100 detections of 7 floats, at the most, whatever the image
        assertThat(layer(e, "detection_out").get("components").get("activationData").asLong()).isEqualTo(100L * 7 * 4);
    }

    @Test
    void mobileNetSsdTrainsWithItsTestNetAndSolverFields() throws Exception {
        JsonNode e = json("estimate", "--solver", DIR + "mobilenet-ssd-solver.prototxt");
        assertThat(e.get("batch").asInt()).isEqualTo(24);
        assertThat(e.get("solver").asText()).isEqualTo("RMSProp");
        assertThat(tops(e)).containsEntry("data", "[24,3,300,300]").containsEntry("label", "[1,1,1,8]")
                .containsEntry("mbox_priorbox", "[1,2,7668]").containsEntry("mbox_conf", "[24,40257]")
                .containsEntry("mbox_loss", "[]");
        assertThat(e.get("testNets").get(0).get("batch").asInt()).isEqualTo(8);
        // the fork's PREFETCH_COUNT of 3 batches of data and the one-box label
        assertThat(layer(e, "data").get("components").get("prefetch").asLong()).isEqualTo(3L * (24 * 3 * 300 * 300 + 8) * 4);
        // MultiBoxLoss's gathered blobs at their most (every prior of every image): M = 24 x 1917 matches, each with 4
        // location floats (prediction data and diff, target, SmoothL1's diff and errors), and as many kept priors with
        // 21 confidences (prediction data and diff, softmax probabilities), a label and a softmax scale each; plus the
        // two inner losses' data and diff and the softmax's 21 ones
        long m = 24L * 1917;
        long loc = 5 * 4 * m * 4;
        long conf = 3 * 21 * m * 4 + 2 * m * 4;
        assertThat(layer(e, "mbox_loss").get("components").get("layerBuffers").asLong()).isEqualTo(loc + conf + 4 * 4 + 21 * 4);
        assertThat(e.get("notes").toString()).contains("SSD (weiliu89/caffe, branch ssd) " + MODELLED)
                .contains("layer \\\"mbox_loss\\\" (MultiBoxLoss): matched priors and kept confidences billed at their most");
    }

    @Test
    void fasterRcnnTestNetPoolsThreeHundredProposalsOrAsManyAsRoisSays() throws Exception {
        JsonNode e = json("estimate", DIR + "faster-rcnn-vgg16-test.prototxt", "--phase", "TEST");
        // 600x1000 through four 2x2 poolings (Caffe's ceil): 38x63
        assertThat(tops(e)).containsEntry("conv5_3", "[1,512,38,63]").containsEntry("rpn_cls_score_reshape", "[1,2,342,63]")
                .containsEntry("rpn_cls_prob_reshape", "[1,18,38,63]").containsEntry("rois", "[300,5]")
                .containsEntry("pool5", "[300,512,7,7]").containsEntry("fc7", "[300,4096]")
                .containsEntry("cls_prob", "[300,21]").containsEntry("bbox_pred", "[300,84]");
        assertThat(e.get("notes").toString()).contains("py-faster-rcnn (rbgirshick/py-faster-rcnn, lib/) " + MODELLED)
                .contains("caffe-fast-rcnn (rbgirshick/caffe-fast-rcnn) " + MODELLED);
        JsonNode fewer = json("estimate", DIR + "faster-rcnn-vgg16-test.prototxt", "--phase", "TEST", "--rois", "100");
        assertThat(tops(fewer)).containsEntry("rois", "[100,5]").containsEntry("pool5", "[100,512,7,7]");
        assertThat(fewer.get("totalBytes").asLong()).isLessThan(e.get("totalBytes").asLong());
    }

    @Test
    void fasterRcnnTrainNetRunsOnAGpuOnlyAsCaffeFastRcnnHasNoCpuCodeForIt() throws Exception {
        CliRun cpu = CliRun.of("estimate", "--solver", DIR + "faster-rcnn-vgg16-solver.prototxt");
        assertThat(cpu.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cpu.err()).matches("(?s)caffemem: \\S+faster-rcnn-vgg16-train\\.prototxt:\\d+:1: layer \"rpn_loss_bbox\""
                + " \\(SmoothL1Loss\\): caffe-fast-rcnn's SmoothL1Loss has no CPU forward .*NOT_IMPLEMENTED.*--device gpu\n");

        JsonNode e = json("estimate", "--solver", DIR + "faster-rcnn-vgg16-solver.prototxt", "--device", "gpu",
                "--profile", "v100-16gb");
        assertThat(tops(e)).containsEntry("data", "[1,3,600,1000]").containsEntry("im_info", "[1,3]")
                .containsEntry("rpn_labels", "[1,1,342,63]").containsEntry("rpn_bbox_targets", "[1,36,38,63]")
                .containsEntry("rpn_rois", "[2000,5]").containsEntry("rois", "[128,5]").containsEntry("labels", "[128]")
                .containsEntry("bbox_targets", "[128,84]").containsEntry("pool5", "[128,512,7,7]")
                .containsEntry("fc7", "[128,4096]").containsEntry("loss_bbox", "[]");
        assertThat(e.get("notes").toString()).contains("py-faster-rcnn (rbgirshick/py-faster-rcnn, lib/) " + MODELLED)
                .contains("billed at 128 regions (py-faster-rcnn samples at most TRAIN.BATCH_SIZE = 128");
        JsonNode fewer = json("estimate", "--solver", DIR + "faster-rcnn-vgg16-solver.prototxt", "--device", "gpu",
                "--profile", "v100-16gb", "--rois", "64");
        assertThat(tops(fewer)).containsEntry("rois", "[64,5]").containsEntry("pool5", "[64,512,7,7]")
                .containsEntry("rpn_rois", "[2000,5]");
    }
}
