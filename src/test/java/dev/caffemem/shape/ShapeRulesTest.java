package dev.caffemem.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caffemem.net.NetException;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Nets;
import dev.caffemem.net.Phase;
import dev.caffemem.net.Shape;
import dev.caffemem.net.ShapeOverrides;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Top shapes by Caffe 1.0's formulas, one layer at a time on a (2, 3, 17, 13) input. */
class ShapeRulesTest {

    private static Shape top(String layer) {
        NetGraph g = Nets.graph("layer { name: 'in' type: 'Input' top: 'x' input_param { shape { dim: 2 dim: 3 dim: 17 dim: 13 } } }\n"
                + layer.replace("BOTTOM", "bottom: 'x' top: 'y'"), Phase.TRAIN);
        return g.layers().get(1).topShapes().get(0);
    }

    @Test
    void convolutionFloorsAndHonoursPadStrideDilationAndGroups() {
        assertThat(top("layer { name: 'c' type: 'Convolution' BOTTOM convolution_param { num_output: 6 kernel_size: 3 } }"))
                .isEqualTo(Shape.of(2, 6, 15, 11));
        assertThat(top("layer { name: 'c' type: 'Convolution' BOTTOM convolution_param { num_output: 6 kernel_size: 3 pad: 1 stride: 2 } }"))
                .isEqualTo(Shape.of(2, 6, 9, 7));
        assertThat(top("layer { name: 'c' type: 'Convolution' BOTTOM convolution_param { num_output: 6 kernel_h: 5 kernel_w: 1 dilation: 2 } }"))
                .isEqualTo(Shape.of(2, 6, 9, 13));
        assertThat(top("layer { name: 'c' type: 'Convolution' BOTTOM convolution_param { num_output: 6 kernel_size: 3 group: 3 } }"))
                .isEqualTo(Shape.of(2, 6, 15, 11));
    }

    @Test
    void deconvolutionInvertsTheConvolutionFormula() {
        assertThat(top("layer { name: 'd' type: 'Deconvolution' BOTTOM convolution_param { num_output: 4 kernel_size: 4 stride: 2 pad: 1 } }"))
                .isEqualTo(Shape.of(2, 4, 34, 26));
    }

    @Test
    void poolingUsesCaffesCeilRuleAndClipsTheLastWindowInThePadding() {
        assertThat(top("layer { name: 'p' type: 'Pooling' BOTTOM pooling_param { kernel_size: 3 stride: 2 } }"))
                .isEqualTo(Shape.of(2, 3, 8, 6));
        // ceil((17 + 2 - 2) / 2) + 1 = 10, but window 10 would start in the padding: 9
        assertThat(top("layer { name: 'p' type: 'Pooling' BOTTOM pooling_param { kernel_size: 2 stride: 2 pad: 1 } }"))
                .isEqualTo(Shape.of(2, 3, 9, 7));
        assertThat(top("layer { name: 'p' type: 'Pooling' BOTTOM pooling_param { pool: AVE global_pooling: true } }"))
                .isEqualTo(Shape.of(2, 3, 1, 1));
    }

    @Test
    void innerProductFlattensFromItsAxis() {
        assertThat(top("layer { name: 'f' type: 'InnerProduct' BOTTOM inner_product_param { num_output: 10 } }"))
                .isEqualTo(Shape.of(2, 10));
        assertThat(top("layer { name: 'f' type: 'InnerProduct' BOTTOM inner_product_param { num_output: 10 axis: 2 } }"))
                .isEqualTo(Shape.of(2, 3, 10));
    }

    @Test
    void reshapeCopiesZerosAndInfersMinusOne() {
        assertThat(top("layer { name: 'r' type: 'Reshape' BOTTOM reshape_param { shape { dim: 0 dim: -1 dim: 13 } } }"))
                .isEqualTo(Shape.of(2, 51, 13));
        assertThat(top("layer { name: 'r' type: 'Reshape' BOTTOM reshape_param { axis: 1 num_axes: 1 shape { dim: 3 dim: 1 } } }"))
                .isEqualTo(Shape.of(2, 3, 1, 17, 13));
        assertThat(top("layer { name: 'f' type: 'Flatten' BOTTOM flatten_param { axis: 1 end_axis: 2 } }"))
                .isEqualTo(Shape.of(2, 51, 13));
    }

    @Test
    void routingLayers() {
        assertThat(top("layer { name: 's' type: 'Slice' bottom: 'x' top: 'y' top: 'z' slice_param { slice_point: 1 } }"))
                .isEqualTo(Shape.of(2, 1, 17, 13));
        assertThat(top("layer { name: 't' type: 'Tile' BOTTOM tile_param { axis: 2 tiles: 3 } }"))
                .isEqualTo(Shape.of(2, 3, 51, 13));
        assertThat(top("layer { name: 'a' type: 'ArgMax' BOTTOM argmax_param { top_k: 2 out_max_val: true } }"))
                .isEqualTo(Shape.of(2, 2, 2, 1));
        assertThat(top("layer { name: 'r' type: 'Reduction' BOTTOM reduction_param { axis: 1 } }"))
                .isEqualTo(Shape.of(2));
        assertThat(top("layer { name: 's' type: 'SPP' BOTTOM spp_param { pyramid_height: 3 } }"))
                .isEqualTo(Shape.of(2, 3 * (1 + 4 + 16)));
    }

    @Test
    void dataLayersTakeShapesFromParamsOrTheUser() {
        NetGraph g = Nets.graph("layer { name: 'd' type: 'Data' top: 'data' top: 'label' transform_param { crop_size: 227 }"
                + " data_param { batch_size: 50 } }", Phase.TRAIN, new ShapeOverrides(null, Map.of("data", Shape.of(3, 256, 256)), Map.of()));
        assertThat(g.layers().get(0).topShapes()).containsExactly(Shape.of(50, 3, 227, 227), Shape.of(50));
        assertThatThrownBy(() -> Nets.graph("layer { name: 'd' type: 'Data' top: 'data' data_param { batch_size: 5 } }", Phase.TRAIN))
                .isInstanceOf(NetException.class).hasMessageContaining("--input-shape data=C,H,W");
        NetGraph image = Nets.graph("layer { name: 'd' type: 'ImageData' top: 'data' top: 'label' image_data_param {"
                + " batch_size: 32 new_height: 224 new_width: 224 is_color: false } }", Phase.TRAIN,
                ShapeOverrides.NONE.withBatch(8));
        assertThat(image.layers().get(0).topShapes()).containsExactly(Shape.of(8, 1, 224, 224), Shape.of(8));
    }

    @Test
    void refusesWhatCaffeRefuses() {
        assertThatThrownBy(() -> top("layer { name: 'c' type: 'Convolution' BOTTOM convolution_param { num_output: 6 kernel_size: 21 } }"))
                .isInstanceOf(NetException.class).hasMessageContaining("larger than the padded input").hasMessageContaining("\"c\"");
        assertThatThrownBy(() -> top("layer { name: 'c' type: 'Convolution' BOTTOM convolution_param { num_output: 4 kernel_size: 3 group: 2 } }"))
                .hasMessageContaining("multiple of group");
        assertThatThrownBy(() -> top("layer { name: 'p' type: 'Pooling' BOTTOM pooling_param { kernel_size: 2 pad: 2 } }"))
                .hasMessageContaining("smaller than the kernel");
        assertThatThrownBy(() -> Nets.graph("layer { name: 'in' type: 'Input' top: 'x' input_param { shape { dim: 100000 dim: 100000 } } }",
                Phase.TRAIN)).hasMessageContaining("INT_MAX");
    }
}
