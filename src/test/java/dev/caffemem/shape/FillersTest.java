package dev.caffemem.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caffemem.net.NetException;
import dev.caffemem.net.Nets;
import dev.caffemem.net.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What Caffe 1.0's fillers and its Pooling layer refuse, refused with Caffe's reason. */
class FillersTest {

    @Test
    void fillersRefuseTheShapesCaffesFillersRefuse() {
        String input = "layer { name: 'in' type: 'Input' top: 'x' input_param { shape { dim: 1 dim: 2 dim: 4 dim: 6 dim: 6 } } }\n";
        String conv = "layer { name: 'c' type: 'Convolution' bottom: 'x' top: 'y' convolution_param { num_output: 3"
                + " kernel_size: 3 weight_filler { type: 'FILLER' } } }";
        for (String filler : List.of("xavier", "msra", "positive_unitball")) {
            assertThatThrownBy(() -> Nets.graph(input + conv.replace("FILLER", filler), Phase.TRAIN))
                    .isInstanceOf(NetException.class).hasMessageContaining("weight_filler (" + filler + ")")
                    .hasMessageContaining("3 2 3 3 3").hasMessageContaining("Cannot use legacy accessors on Blobs with > 4 axes.");
        }
        assertThat(Nets.graph(input + conv.replace("FILLER", "gaussian"), Phase.TRAIN).layers()).hasSize(2);
        String conv2d = "layer { name: 'in' type: 'Input' top: 'x' input_param { shape { dim: 1 dim: 2 dim: 6 dim: 6 } } }\n"
                + "layer { name: 'c' type: 'Convolution' bottom: 'x' top: 'y' convolution_param { num_output: 3 KERNEL"
                + " weight_filler { type: 'FILLER' } } }";
        assertThat(Nets.graph(conv2d.replace("KERNEL", "kernel_size: 3").replace("FILLER", "bilinear"), Phase.TRAIN).layers())
                .hasSize(2);
        assertThatThrownBy(() -> Nets.graph(conv2d.replace("KERNEL", "kernel_h: 3 kernel_w: 1").replace("FILLER", "bilinear"),
                Phase.TRAIN)).hasMessageContaining("Filter must be square");
        assertThatThrownBy(() -> Nets.graph(conv2d.replace("KERNEL", "kernel_size: 3").replace("FILLER", "xavir"),
                Phase.TRAIN)).hasMessageContaining("Unknown filler name: xavir");
        assertThatThrownBy(() -> Nets.graph(conv2d.replace("KERNEL", "kernel_size: 3").replace("'FILLER'", "'xavier' sparse: 3"),
                Phase.TRAIN)).hasMessageContaining("Sparsity not supported by this Filler.");
    }

    @Test
    void poolingRefusesInputWithoutFourAxesInCaffesWords() {
        assertThatThrownBy(() -> Nets.graph("layer { name: 'in' type: 'Input' top: 'x' input_param { shape { dim: 3 dim: 2"
                + " dim: 5 } } } layer { name: 'p' type: 'Pooling' bottom: 'x' top: 'y' pooling_param { kernel_size: 2 } }",
                Phase.TRAIN)).hasMessageContaining("Input must have 4 axes, corresponding to (num, channels, height, width)")
                .hasMessageContaining("3 2 5");
    }
}
