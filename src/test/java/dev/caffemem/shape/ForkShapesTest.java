package dev.caffemem.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caffemem.net.NetException;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Nets;
import dev.caffemem.net.Phase;
import dev.caffemem.net.Shape;
import dev.caffemem.net.ShapeOverrides;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The forks' shape rules, one layer at a time, by the formulas of their sources (docs/forks.md): SSD's Permute,
 * PriorBox, Normalize, detection layers and AnnotatedData, caffe-fast-rcnn's ROIPooling and SmoothL1Loss,
 * py-faster-rcnn's Python layers, Interp, and --lenient's guess.
 */
class ForkShapesTest {
    private static final String INPUT = "layer { name: 'in' type: 'Input' top: 'x' input_param { shape { dim: 2 dim: 8 dim: 19 dim: 19 } } }\n";

    private static NetGraph graph(String layers, Phase phase, ShapeOverrides overrides) {
        return Nets.graph(INPUT + layers, phase, overrides);
    }

    private static Shape top(String layer) {
        NetGraph g = graph(layer.replace("BOTTOM", "bottom: 'x' top: 'y'"), Phase.TRAIN, ShapeOverrides.NONE);
        // the layer under test is the last one (Split layers come before it when it reads x twice)
        return g.layers().get(g.layers().size() - 1).topShapes().get(0);
    }

    @Test
    void permuteMovesTheGivenAxesFirstAndKeepsTheRestInOrder() {
        assertThat(top("layer { name: 'p' type: 'Permute' BOTTOM permute_param { order: 0 order: 2 order: 3 order: 1 } }"))
                .isEqualTo(Shape.of(2, 19, 19, 8));
        assertThat(top("layer { name: 'p' type: 'Permute' BOTTOM permute_param { order: 3 } }")).isEqualTo(Shape.of(19, 2, 8, 19));
        assertThatThrownBy(() -> top("layer { name: 'p' type: 'Permute' BOTTOM permute_param { order: 0 order: 0 } }"))
                .isInstanceOf(NetException.class).hasMessageContaining("duplicate orders");
        assertThatThrownBy(() -> top("layer { name: 'p' type: 'Permute' BOTTOM permute_param { order: 4 } }"))
                .isInstanceOf(NetException.class).hasMessageContaining("less than the input dimension (4)");
    }

    @Test
    void priorBoxCountsAspectRatiosOncePerMinSizePlusOnePerMaxSize() {
        // ratios 1, 2, 1/2, 3, 1/3 (the repeated 2 is dropped) x 1 min size + 1 max size = 6 priors per cell
        String both = "layer { name: 'pb' type: 'PriorBox' bottom: 'x' bottom: 'x' top: 'y' prior_box_param {"
                + " min_size: 60 max_size: 110 aspect_ratio: 2 aspect_ratio: 3 aspect_ratio: 2 flip: true } }";
        assertThat(top(both)).isEqualTo(Shape.of(1, 2, 19 * 19 * 6 * 4));
        String noFlip = "layer { name: 'pb' type: 'PriorBox' bottom: 'x' bottom: 'x' top: 'y' prior_box_param {"
                + " min_size: 30 min_size: 60 aspect_ratio: 2 flip: false } }";
        assertThat(top(noFlip)).isEqualTo(Shape.of(1, 2, 19 * 19 * 4 * 4));
        assertThatThrownBy(() -> top("layer { name: 'pb' type: 'PriorBox' bottom: 'x' top: 'y' prior_box_param { min_size: 30 } }"))
                .isInstanceOf(NetException.class).hasMessageContaining("second bottom");
        assertThat(top("layer { name: 'pb' type: 'PriorBox' bottom: 'x' top: 'y' prior_box_param { min_size: 30 img_size: 300 } }"))
                .isEqualTo(Shape.of(1, 2, 19 * 19 * 4));
        assertThatThrownBy(() -> top("layer { name: 'pb' type: 'PriorBox' bottom: 'x' bottom: 'x' top: 'y'"
                + " prior_box_param { min_size: 30 max_size: 20 } }")).hasMessageContaining("greater than min_size");
        assertThatThrownBy(() -> top("layer { name: 'pb' type: 'PriorBox' bottom: 'x' bottom: 'x' top: 'y' }"))
                .hasMessageContaining("must provide min_size");
    }

    @Test
    void normalizeKeepsTheShapeAndLearnsOneScaleOrOnePerChannel() {
        NetGraph g = graph("layer { name: 'n' type: 'Normalize' bottom: 'x' top: 'y' norm_param { channel_shared: false } }"
                + "layer { name: 's' type: 'Normalize' bottom: 'y' top: 'z' }", Phase.TRAIN, ShapeOverrides.NONE);
        assertThat(g.layers().get(1).topShapes()).containsExactly(Shape.of(2, 8, 19, 19));
        assertThat(g.params()).extracting(NetGraph.Param::shape).containsExactly(Shape.of(8), Shape.scalar());
    }

    @Test
    void detectionOutputIsOneRowAtSetupAndChecksPredictionsAgainstPriors() {
        // 19x19 cells x 2 priors: 722 priors; 3 classes
        String heads = "layer { name: 'pb' type: 'PriorBox' bottom: 'x' top: 'pri' prior_box_param { min_size: 30"
                + " max_size: 60 img_size: 300 } }"
                + "layer { name: 'loc' type: 'DummyData' top: 'loc' dummy_data_param { shape { dim: 2 dim: %d } } }"
                + "layer { name: 'conf' type: 'DummyData' top: 'conf' dummy_data_param { shape { dim: 2 dim: %d } } }"
                + "layer { name: 'det' type: 'DetectionOutput' bottom: 'loc' bottom: 'conf' bottom: 'pri' top: 'det'"
                + " detection_output_param { num_classes: 3 keep_top_k: 50 } }";
        NetGraph g = graph(heads.formatted(722 * 4, 722 * 3), Phase.TEST, ShapeOverrides.NONE);
        assertThat(Nets.layer(g, "det").topShapes()).containsExactly(Shape.of(1, 1, 1, 7));
        assertThatThrownBy(() -> graph(heads.formatted(722 * 4, 722 * 2), Phase.TEST, ShapeOverrides.NONE))
                .isInstanceOf(NetException.class).hasMessageContaining("number of priors (722) x 3 classes must match");
        assertThatThrownBy(() -> graph(heads.formatted(722 * 4, 722 * 3).replace("num_classes: 3 ", ""), Phase.TEST,
                ShapeOverrides.NONE)).hasMessageContaining("must specify detection_output_param.num_classes");
    }

    @Test
    void interpSizesFollowWhichFieldsAreSetNotTheirValues() {
        assertThat(top("layer { name: 'i' type: 'Interp' BOTTOM interp_param { zoom_factor: 8 } }")).isEqualTo(Shape.of(2, 8, 145, 145));
        assertThat(top("layer { name: 'i' type: 'Interp' BOTTOM interp_param { shrink_factor: 2 } }")).isEqualTo(Shape.of(2, 8, 10, 10));
        assertThat(top("layer { name: 'i' type: 'Interp' BOTTOM interp_param { height: 60 width: 40 } }")).isEqualTo(Shape.of(2, 8, 60, 40));
        // both factors: shrink first, then zoom; a crop of the input first
        assertThat(top("layer { name: 'i' type: 'Interp' BOTTOM interp_param { shrink_factor: 2 zoom_factor: 3 pad_beg: -1 } }"))
                .isEqualTo(Shape.of(2, 8, 25, 25));
        // zoom_factor: 1 written out still counts as set
        assertThat(top("layer { name: 'i' type: 'Interp' BOTTOM interp_param { zoom_factor: 1 height: 5 width: 5 } }"))
                .isEqualTo(Shape.of(2, 8, 19, 19));
        assertThatThrownBy(() -> top("layer { name: 'i' type: 'Interp' BOTTOM }")).hasMessageContaining("needs zoom_factor");
        assertThatThrownBy(() -> top("layer { name: 'i' type: 'Interp' BOTTOM interp_param { zoom_factor: 2 pad_end: 1 } }"))
                .hasMessageContaining("non-positive padding");
    }

    @Test
    void roiPoolingGivesOneMapPerRegion() {
        assertThat(Nets.layer(graph("layer { name: 'r' type: 'DummyData' top: 'rois' dummy_data_param { shape { dim: 64 dim: 5 } } }"
                + "layer { name: 'p' type: 'ROIPooling' bottom: 'x' bottom: 'rois' top: 'p' roi_pooling_param { pooled_h: 7"
                + " pooled_w: 6 spatial_scale: 0.0625 } }", Phase.TEST, ShapeOverrides.NONE), "p").topShapes())
                .containsExactly(Shape.of(64, 8, 7, 6));
        assertThatThrownBy(() -> graph("layer { name: 'p' type: 'ROIPooling' bottom: 'x' bottom: 'x' top: 'p' }", Phase.TEST,
                ShapeOverrides.NONE)).hasMessageContaining("pooled_h and pooled_w must be > 0");
    }

    @Test
    void smoothL1IsCaffeFastRcnnsWithItsParamOrFourBottomsAndSsdsOtherwise() {
        String two = "layer { name: 'l' type: 'SmoothL1Loss' bottom: 'x' bottom: 'x' top: 'l' }";
        assertThat(LayerKinds.fastRcnnSmoothL1(Nets.layer(graph(two, Phase.TRAIN, ShapeOverrides.NONE), "l").spec())).isFalse();
        String four = "layer { name: 'l' type: 'SmoothL1Loss' bottom: 'x' bottom: 'x' bottom: 'x' bottom: 'x' top: 'l' }";
        NetGraph g = graph(four, Phase.TRAIN, ShapeOverrides.NONE);
        assertThat(LayerKinds.fastRcnnSmoothL1(Nets.layer(g, "l").spec())).isTrue();
        assertThat(Nets.layer(g, "l").topShapes()).containsExactly(Shape.scalar());
        assertThat(Nets.layer(g, "l").lossWeight(0)).isEqualTo(1.0);
        assertThatThrownBy(() -> graph("layer { name: 'l' type: 'SmoothL1Loss' bottom: 'x' bottom: 'x' bottom: 'x' top: 'l'"
                + " smooth_l1_loss_param { sigma: 3 } }", Phase.TRAIN, ShapeOverrides.NONE))
                .hasMessageContaining("both inside and outside weights");
    }

    @Test
    void pyFasterRcnnLayersTakeTheShapesTheirForwardWrites() {
        String net = """
                layer { name: 'input-data' type: 'Python' top: 'data' top: 'im_info' top: 'gt_boxes'
                  python_param { module: 'roi_data_layer.layer' layer: 'RoIDataLayer' param_str: "'num_classes': 21" } }
                layer { name: 'score' type: 'Convolution' bottom: 'data' top: 'score'
                  convolution_param { num_output: 18 kernel_size: 16 stride: 16 } }
                layer { name: 'rpn-data' type: 'Python' bottom: 'score' bottom: 'gt_boxes' bottom: 'im_info' bottom: 'data'
                  top: 'l' top: 't' top: 'iw' top: 'ow'
                  python_param { module: 'rpn.anchor_target_layer' layer: 'AnchorTargetLayer'
                    param_str: "{'feat_stride': 16, 'scales': [4, 8, 16, 32]}" } }
                layer { name: 'proposal' type: 'Python' bottom: 'score' bottom: 'score' bottom: 'im_info' top: 'rpn_rois'
                  python_param { module: 'rpn.proposal_layer' layer: 'ProposalLayer' param_str: "'feat_stride': 16" } }
                layer { name: 'roi-data' type: 'Python' bottom: 'rpn_rois' bottom: 'gt_boxes' top: 'rois' top: 'labels'
                  top: 'bt' top: 'bi' top: 'bo'
                  python_param { module: 'rpn.proposal_target_layer' layer: 'ProposalTargetLayer' param_str: "'num_classes': 21" } }
                """;
        NetGraph train = Nets.graph(net, Phase.TRAIN, ShapeOverrides.NONE);
        assertThat(Nets.layer(train, "input-data").topShapes())
                .containsExactly(Shape.of(1, 3, 600, 1000), Shape.of(1, 3), Shape.of(1, 5));
        // 600x1000 / 16: a 37x62 score map; 3 ratios x 4 scales = 12 anchors
        assertThat(Nets.layer(train, "rpn-data").topShapes()).containsExactly(Shape.of(1, 1, 12 * 37, 62),
                Shape.of(1, 48, 37, 62), Shape.of(1, 48, 37, 62), Shape.of(1, 48, 37, 62));
        assertThat(Nets.layer(train, "proposal").topShapes()).containsExactly(Shape.of(2000, 5));
        assertThat(Nets.layer(train, "roi-data").topShapes()).containsExactly(Shape.of(128, 5), Shape.of(128),
                Shape.of(128, 84), Shape.of(128, 84), Shape.of(128, 84));

        ShapeOverrides rois = new ShapeOverrides(null, Map.of(), Map.of(), 64, false);
        assertThat(Nets.layer(Nets.graph(net, Phase.TRAIN, rois), "roi-data").topShapes().get(0)).isEqualTo(Shape.of(64, 5));
        assertThat(Nets.layer(Nets.graph(net, Phase.TEST, ShapeOverrides.NONE), "proposal").topShapes())
                .containsExactly(Shape.of(300, 5));
        assertThat(Nets.layer(Nets.graph(net, Phase.TEST, rois), "proposal").topShapes()).containsExactly(Shape.of(64, 5));
        assertThatThrownBy(() -> Nets.graph(net, Phase.TRAIN, ShapeOverrides.NONE.withBatch(2)))
                .hasMessageContaining("one image per batch");
        assertThatThrownBy(() -> Nets.graph(net.replace("'num_classes': 21\" } }\n", "'classes': 21\" } }\n"), Phase.TRAIN,
                ShapeOverrides.NONE)).hasMessageContaining("no 'num_classes'");
    }

    @Test
    void anotherPythonLayerNeedsDeclaredTopsOrLenience() {
        String net = INPUT + "layer { name: 'py' type: 'Python' bottom: 'x' top: 'y' python_param { module: 'mine' layer: 'Mine' } }";
        assertThatThrownBy(() -> Nets.graph(net, Phase.TRAIN, ShapeOverrides.NONE))
                .isInstanceOf(NetException.class).hasMessageContaining("unknown layer type \"Python\"");
        ShapeOverrides declared = new ShapeOverrides(null, Map.of(), Map.of("y", List.of("N", "5")));
        assertThat(Nets.layer(Nets.graph(net, Phase.TRAIN, declared), "py").topShapes()).containsExactly(Shape.of(2, 5));
        ShapeOverrides lenient = new ShapeOverrides(null, Map.of(), Map.of(), null, true);
        NetGraph g = Nets.graph(net, Phase.TRAIN, lenient);
        assertThat(Nets.layer(g, "py").topShapes()).containsExactly(Shape.of(2, 8, 19, 19));
        assertThat(Nets.layer(g, "py").kind()).isInstanceOf(LenientShapes.class);
        assertThatThrownBy(() -> Nets.graph("layer { name: 'src' type: 'Mystery' top: 'y' }", Phase.TRAIN, lenient))
                .hasMessageContaining("has no bottom to take a shape from, even under --lenient");
    }

    @Test
    void annotatedDataTakesItsSizeFromResizeParamOrTheRecord() {
        String data = "layer { name: 'data' type: 'AnnotatedData' top: 'data' top: 'label' data_param { batch_size: 32 }"
                + " transform_param { %s } }";
        NetGraph g = Nets.graph(data.formatted("resize_param { resize_mode: WARP height: 300 width: 300 } crop_h: 280 crop_w: 290"),
                Phase.TRAIN, ShapeOverrides.NONE);
        assertThat(g.layers().get(0).topShapes()).containsExactly(Shape.of(32, 3, 280, 290), Shape.of(1, 1, 1, 8));
        assertThat(LayerKinds.isDataLayer("AnnotatedData")).isTrue();
        assertThatThrownBy(() -> Nets.graph(data.formatted("mirror: true"), Phase.TRAIN, ShapeOverrides.NONE))
                .hasMessageContaining("--input-shape data=C,H,W");
        ShapeOverrides record = new ShapeOverrides(8, Map.of("data", Shape.of(1, 500, 375)), Map.of());
        assertThat(Nets.graph(data.formatted("mirror: true"), Phase.TRAIN, record).layers().get(0).topShapes().get(0))
                .isEqualTo(Shape.of(8, 1, 500, 375));
        assertThatThrownBy(() -> Nets.graph(data.formatted("resize_param { resize_mode: FIT_SMALL_SIZE height: 300 width: 300 }"),
                Phase.TRAIN, ShapeOverrides.NONE)).hasMessageContaining("FIT_SMALL_SIZE supports a batch size of 1 only");
    }
}
