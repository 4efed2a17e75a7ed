package dev.caffemem.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Net::Init as Caffe 1.0 does it: splits, in-place tops, automatic tops, backward decisions. */
class NetGraphTest {
    private static final String INPUT = "layer { name: 'data' type: 'Input' top: 'data' top: 'label'"
            + " input_param { shape { dim: 2 dim: 3 dim: 8 dim: 8 } shape { dim: 2 } } }\n";

    @Test
    void fanOutGetsSplitLayersNamedAsInsertSplitsNamesThem() {
        NetGraph g = Nets.graph(INPUT
                + "layer { name: 'ip1' type: 'InnerProduct' bottom: 'data' top: 'ip1' inner_product_param { num_output: 4 } }\n"
                + "layer { name: 'relu1' type: 'ReLU' bottom: 'ip1' top: 'ip1' }\n"
                + "layer { name: 'loss' type: 'SoftmaxWithLoss' bottom: 'ip1' bottom: 'label' top: 'loss' }\n"
                + "layer { name: 'acc' type: 'Accuracy' bottom: 'ip1' bottom: 'label' top: 'acc' }\n", Phase.TRAIN);
        assertThat(g.layers().stream().map(NetGraph.Layer::name)).containsExactly("data", "label_data_1_split", "ip1",
                "relu1", "ip1_relu1_0_split", "loss", "acc");
        assertThat(Nets.blobNames(g)).containsExactly("data", "label", "label_data_1_split_0", "label_data_1_split_1",
                "ip1", "ip1_relu1_0_split_0", "ip1_relu1_0_split_1", "loss", "acc");
        assertThat(Nets.layer(g, "relu1").inPlace(0)).isTrue();
        // the label needs no gradient; Accuracy never runs backward; the data layer never does
        assertThat(Nets.layer(g, "acc").needBackward()).isFalse();
        assertThat(Nets.layer(g, "loss").bottomNeedBackward()).containsExactly(true, false);
        assertThat(Nets.layer(g, "data").needBackward()).isFalse();
        // Caffe's log figure counts every top, in-place ones again and split tops in full
        long counts = 2 * 3 * 8 * 8 + 2 + 2 + 2 + 8 + 8 + 8 + 8 + 1 + 1;
        assertThat(g.caffeLogBytes()).isEqualTo(4 * counts);
    }

    @Test
    void explicitLossWeightCountsAsAUseAndMovesToTheSplit() {
        NetGraph g = Nets.graph(INPUT
                + "layer { name: 'ip' type: 'InnerProduct' bottom: 'data' top: 'ip' loss_weight: 0.5 inner_product_param { num_output: 4 } }\n"
                + "layer { name: 'loss' type: 'EuclideanLoss' bottom: 'ip' bottom: 'ip' top: 'loss' }\n", Phase.TRAIN);
        NetGraph.Layer split = Nets.layer(g, "ip_ip_0_split");
        assertThat(split.tops()).hasSize(3);
        assertThat(split.lossWeights()).containsExactly(0.5, 0.0, 0.0);
        assertThat(Nets.layer(g, "ip").lossWeights()).isEmpty();
        assertThat(Nets.layer(g, "loss").spec().bottoms()).containsExactly("ip_ip_0_split_1", "ip_ip_0_split_2");
    }

    @Test
    void inPlaceAfterASplitIsFatalAsInCaffe() {
        assertThatThrownBy(() -> Nets.graph(INPUT
                + "layer { name: 'conv' type: 'Convolution' bottom: 'data' top: 'x' convolution_param { num_output: 2 kernel_size: 1 } }\n"
                + "layer { name: 'a' type: 'Sigmoid' bottom: 'x' top: 'a' }\n"
                + "layer { name: 'relu' type: 'ReLU' bottom: 'x' top: 'x' }\n", Phase.TRAIN))
                .isInstanceOf(NetException.class).hasMessageContaining("produced by multiple sources")
                .hasMessageContaining("relu");
    }

    @Test
    void frozenLayersAndPropagateDownDecideBackward() {
        NetGraph g = Nets.graph(INPUT
                + "layer { name: 'frozen' type: 'Convolution' bottom: 'data' top: 'c1' param { lr_mult: 0 } param { lr_mult: 0 }"
                + " convolution_param { num_output: 2 kernel_size: 3 } }\n"
                + "layer { name: 'conv' type: 'Convolution' bottom: 'c1' top: 'c2' convolution_param { num_output: 2 kernel_size: 3 } }\n"
                + "layer { name: 'loss' type: 'EuclideanLoss' bottom: 'c2' bottom: 'c2' top: 'loss' propagate_down: true propagate_down: false }\n",
                Phase.TRAIN);
        assertThat(Nets.layer(g, "frozen").needBackward()).isFalse();
        assertThat(Nets.layer(g, "conv").needBackward()).isTrue();
        assertThat(Nets.layer(g, "conv").bottomNeedBackward()).containsExactly(false);
        assertThat(Nets.layer(g, "loss").bottomNeedBackward()).containsExactly(true, false);
    }

    @Test
    void forceBackwardSkipsLabelsButReachesData() {
        NetGraph g = Nets.graph("force_backward: true\n" + INPUT
                + "layer { name: 'ip' type: 'InnerProduct' bottom: 'data' top: 'ip' inner_product_param { num_output: 4 } }\n"
                + "layer { name: 'loss' type: 'SoftmaxWithLoss' bottom: 'ip' bottom: 'label' top: 'loss' }\n", Phase.TRAIN);
        assertThat(Nets.layer(g, "ip").bottomNeedBackward()).containsExactly(true);
        assertThat(Nets.layer(g, "loss").bottomNeedBackward()).containsExactly(true, false);
    }

    @Test
    void lossLayersGetAnAutomaticTopAndDefaultWeight() {
        NetGraph g = Nets.graph(INPUT
                + "layer { name: 'ip' type: 'InnerProduct' bottom: 'data' top: 'ip' inner_product_param { num_output: 4 } }\n"
                + "layer { name: 'loss' type: 'SoftmaxWithLoss' bottom: 'ip' bottom: 'label' }\n", Phase.TRAIN);
        NetGraph.Layer loss = Nets.layer(g, "loss");
        assertThat(g.blob(loss.tops().get(0)).name()).isEqualTo("(automatic)");
        assertThat(loss.lossWeights()).containsExactly(1.0);
    }

    @Test
    void sharedParamsHaveOneOwner() {
        NetGraph g = Nets.graph(INPUT
                + "layer { name: 'a' type: 'InnerProduct' bottom: 'data' top: 'a' param { name: 'w' } param { name: 'b' } inner_product_param { num_output: 4 } }\n"
                + "layer { name: 'b' type: 'InnerProduct' bottom: 'a' top: 'b' inner_product_param { num_output: 4 } }\n"
                + "layer { name: 'c' type: 'InnerProduct' bottom: 'b' top: 'c' param { name: 'w2' } param { name: 'b' } inner_product_param { num_output: 4 } }\n",
                Phase.TRAIN);
        assertThat(g.params().stream().map(NetGraph.Param::owner)).containsExactly(-1, -1, -1, -1, -1, 1);
    }

    @Test
    void phaseRulesFilterLayers() {
        String net = "layer { name: 'd' type: 'Input' top: 'data' include { phase: TRAIN } input_param { shape { dim: 4 dim: 2 } } }\n"
                + "layer { name: 'd' type: 'Input' top: 'data' include { phase: TEST } input_param { shape { dim: 9 dim: 2 } } }\n"
                + "layer { name: 'x' type: 'ReLU' bottom: 'data' top: 'x' exclude { stage: 'deploy' } }\n";
        assertThat(Nets.graph(net, Phase.TRAIN).blob(0).shape()).isEqualTo(Shape.of(4, 2));
        assertThat(Nets.graph(net, Phase.TEST).blob(0).shape()).isEqualTo(Shape.of(9, 2));
        NetSpec deploy = NetSpec.of(NetSpec.parse(net, "n"), new NetState(Phase.TEST, 0, List.of("deploy")));
        assertThat(deploy.layers()).hasSize(1);
    }

    /** A shape rule that fails the way {@code kind} says, after a real Input layer. */
    private static NetGraph withRule(RuntimeException failure) {
        String text = INPUT + "layer { name: 'odd' type: 'Odd' bottom: 'data' top: 'odd' }\n";
        NetSpec spec = NetSpec.of(NetSpec.parse(text, "test.prototxt"), NetState.of(Phase.TEST));
        dev.caffemem.shape.LayerKinds known = new dev.caffemem.shape.LayerKinds(ShapeOverrides.NONE);
        LayerKind odd = new LayerKind() {
            @Override
            public BlobCounts counts(LayerSpec layer) {
                return BlobCounts.exact(1, 1);
            }

            @Override
            public LayerShapes setUp(SetupContext ctx) {
                throw failure instanceof LayerSetupException ? ctx.error(failure.getMessage()) : failure;
            }
        };
        return NetGraph.build(spec, l -> l.type().equals("Odd") ? odd : known.apply(l), ShapeOverrides.NONE);
    }

    /** Issue 8: NetGraph turned any IllegalArgumentException, a bug's included, into "your layer is bad" (exit 3). */
    @Test
    void aBugInAShapeRuleIsNotBlamedOnTheLayer() {
        assertThatThrownBy(() -> withRule(new IllegalArgumentException("index out of range in the rule")))
                .isExactlyInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> withRule(new ArithmeticException("/ by zero")))
                .isExactlyInstanceOf(ArithmeticException.class);
    }

    @Test
    void whatCaffeWouldRefuseIsNamedWithTheLayer() {
        assertThatThrownBy(() -> withRule(new LayerSetupException("kernel larger than the input")))
                .isInstanceOf(NetException.class).hasMessage("test.prototxt:2:1: layer \"odd\" (Odd): kernel larger than the input");
        assertThatThrownBy(() -> withRule(new ArithmeticException("integer overflow")))
                .isInstanceOf(NetException.class).hasMessageContaining("layer \"odd\"").hasMessageContaining("32-bit int");
    }
}
