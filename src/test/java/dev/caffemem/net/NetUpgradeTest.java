package dev.caffemem.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.prototxt.Message;
import org.junit.jupiter.api.Test;

/** The legacy formats Caffe 1.0 still reads: V1 layers and net-level inputs. */
class NetUpgradeTest {

    @Test
    void v1LayersBecomeV2WithTypeNamesParamSpecsAndTransformParams() {
        Message net = NetSpec.parse("layers { name: 'd' type: DATA top: 'data' top: 'label' data_param { batch_size: 8"
                + " crop_size: 20 scale: 0.5 } }\n"
                + "layers { name: 'c' type: CONVOLUTION bottom: 'data' top: 'c' blobs_lr: 1 blobs_lr: 2 weight_decay: 1"
                + " weight_decay: 0 convolution_param { num_output: 3 kernel_size: 5 } }\n"
                + "layers { name: 'l' type: SOFTMAX_LOSS bottom: 'c' bottom: 'label' }\n", "v1.prototxt");
        assertThat(net.count("layers")).isZero();
        assertThat(net.getMessages("layer").stream().map(l -> l.getString("type")))
                .containsExactly("Data", "Convolution", "SoftmaxWithLoss");
        Message data = net.getMessages("layer").get(0);
        assertThat(data.getMessage("transform_param").getLong("crop_size")).isEqualTo(20);
        assertThat(data.getMessage("transform_param").getDouble("scale")).isEqualTo(0.5);
        assertThat(data.getMessage("data_param").has("crop_size")).isFalse();
        Message conv = net.getMessages("layer").get(1);
        assertThat(conv.getMessages("param")).hasSize(2);
        assertThat(conv.getMessages("param").get(1).getDouble("lr_mult")).isEqualTo(2.0);
        assertThat(conv.getMessages("param").get(1).getDouble("decay_mult")).isEqualTo(0.0);
    }

    @Test
    void netLevelInputsBecomeAFirstInputLayer() {
        Message net = NetSpec.parse("input: 'data' input_dim: 10 input_dim: 3 input_dim: 227 input_dim: 227\n"
                + "layer { name: 'r' type: 'ReLU' bottom: 'data' top: 'r' }\n", "deploy.prototxt");
        Message input = net.getMessages("layer").get(0);
        assertThat(input.getString("name")).isEqualTo("input");
        assertThat(input.getString("type")).isEqualTo("Input");
        assertThat(input.getMessage("input_param").getMessages("shape").get(0).getLongs("dim"))
                .containsExactly(10L, 3L, 227L, 227L);
        assertThat(net.has("input")).isFalse();
        assertThat(Nets.graph("input: 'data' input_shape { dim: 2 dim: 5 }", Phase.TEST).blob(0).shape())
                .isEqualTo(Shape.of(2, 5));
    }
}
