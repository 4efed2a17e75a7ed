package dev.caffemem.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caffemem.net.NetException;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Nets;
import dev.caffemem.net.Phase;
import dev.caffemem.net.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layer types that came last (LSTM, RNN, LSTMUnit, Im2col, BatchReindex, Parameter, HDF5Output,
 * InfogainLoss's second top), by Caffe 1.0's rules.
 */
class SequenceShapesTest {
    /** x: 3 timesteps of 2 streams of 5 features; cont: 3 x 2; s: a static input of 7 per stream; h0/c0: a state. */
    private static final String INPUTS = "layer { name: 'in' type: 'Input' top: 'x' top: 'cont' top: 's' top: 'h0' top: 'c0'"
            + " input_param { shape { dim: 3 dim: 2 dim: 5 } shape { dim: 3 dim: 2 } shape { dim: 2 dim: 7 }"
            + " shape { dim: 1 dim: 2 dim: 4 } shape { dim: 1 dim: 2 dim: 4 } } }\n";

    private static NetGraph.Layer layer(String text, String name) {
        return Nets.layer(Nets.graph(INPUTS + text, Phase.TRAIN), name);
    }

    private static NetGraph.Layer recurrent(String type, String bottoms, String tops, String param) {
        return layer("layer { name: 'r' type: '" + type + "' " + bottoms + " " + tops + " recurrent_param {"
                + (param.contains("num_output") ? "" : " num_output: 4") + param + " } }", "r");
    }

    private static List<Shape> params(NetGraph.Layer l, NetGraph g) {
        return l.params().stream().map(id -> g.param(id).shape()).toList();
    }

    @Test
    void lstmOutputsEveryTimestepAndOwnsTheUnrolledNetsUnsharedWeights() {
        NetGraph g = Nets.graph(INPUTS + "layer { name: 'r' type: 'LSTM' bottom: 'x' bottom: 'cont' top: 'h'"
                + " recurrent_param { num_output: 4 } }", Phase.TRAIN);
        NetGraph.Layer l = Nets.layer(g, "r");
        assertThat(l.topShapes()).containsExactly(Shape.of(3, 2, 4));
        // W_xc (4 gates x 4 outputs, 5 inputs), b_c, W_hc: W_hc of timesteps 2 and 3 is shared by name
        assertThat(params(l, g)).containsExactly(Shape.of(16, 5), Shape.of(16), Shape.of(16, 4));
    }

    @Test
    void lstmWithStaticInputAndExposedState() {
        NetGraph g = Nets.graph(INPUTS + "layer { name: 'r' type: 'LSTM' bottom: 'x' bottom: 'cont' bottom: 's' bottom: 'h0'"
                + " bottom: 'c0' top: 'h' top: 'hT' top: 'cT' recurrent_param { num_output: 4 expose_hidden: true } }", Phase.TRAIN);
        NetGraph.Layer l = Nets.layer(g, "r");
        assertThat(l.topShapes()).containsExactly(Shape.of(3, 2, 4), Shape.of(1, 2, 4), Shape.of(1, 2, 4));
        assertThat(params(l, g)).containsExactly(Shape.of(16, 5), Shape.of(16), Shape.of(16, 7), Shape.of(16, 4));
    }

    @Test
    void rnnHasAnOutputTransformPerTimestep() {
        NetGraph g = Nets.graph(INPUTS + "layer { name: 'r' type: 'RNN' bottom: 'x' bottom: 'cont' top: 'o'"
                + " recurrent_param { num_output: 4 } }", Phase.TRAIN);
        assertThat(Nets.layer(g, "r").topShapes()).containsExactly(Shape.of(3, 2, 4));
        // W_xh, b_h, W_hh, W_ho, b_o
        assertThat(params(Nets.layer(g, "r"), g)).containsExactly(Shape.of(4, 5), Shape.of(4), Shape.of(4, 4),
                Shape.of(4, 4), Shape.of(4));
    }

    @Test
    void theUnrolledNetIsCaffes() {
        NetGraph.Layer r = recurrent("LSTM", "bottom: 'x' bottom: 'cont'", "top: 'h'", "");
        NetGraph inner = UnrolledNet.graph(r.spec(), List.of(Shape.of(3, 2, 5), Shape.of(3, 2)));
        List<String> names = inner.layers().stream().map(NetGraph.Layer::name).toList();
        // 2 Inputs, cont and x slices, x_transform, 4 layers per timestep, the c_T Split, the Concat, the
        // pseudo-loss, and a Split for each cont_t (read by the Scale and the unit) and h_1, h_2 (next step, Concat)
        assertThat(names).hasSize(20 + 5);
        assertThat(names).startsWith("r_", "r_", "r_cont_slice", "cont_1_r_cont_slice_0_split")
                .contains("r_x_transform", "r_W_xc_x_slice", "r_h_conted_0", "r_unit_3", "h_1_r_unit_1_1_split", "r_h_concat")
                .endsWith("r_", "r_h_concat", "h_pseudoloss");
        assertThat(inner.params().stream().filter(NetGraph.Param::learnable).count()).isEqualTo(3);
        assertThat(inner.params()).hasSize(5);
        assertThat(inner.spec().state().phase()).isEqualTo(Phase.TEST);
        NetGraph.Layer loss = Nets.layer(inner, "h_pseudoloss");
        assertThat(loss.lossWeights()).containsExactly(1.0);
    }

    @Test
    void recurrentLayersRefuseWhatRecurrentLayerSetUpRefuses() {
        assertThatThrownBy(() -> recurrent("LSTM", "bottom: 'x' bottom: 'x'", "top: 'h'", ""))
                .isInstanceOf(NetException.class).hasMessageContaining("bottom[1] must have exactly 2 axes");
        assertThatThrownBy(() -> recurrent("RNN", "bottom: 'x' bottom: 'cont'", "top: 'h'", " num_output: 0"))
                .hasMessageContaining("num_output must be positive");
        assertThatThrownBy(() -> recurrent("LSTM", "bottom: 'x' bottom: 'cont' bottom: 'x' bottom: 'x'",
                "top: 'h' top: 'a' top: 'b'", " expose_hidden: true"))
                .hasMessageContaining("shape must match hidden state input shape: 1 2 4 (8)");
        assertThatThrownBy(() -> recurrent("LSTM", "bottom: 'x' bottom: 'cont'", "top: 'h' top: 'hT'", ""))
                .hasMessageContaining("takes exactly 1 top blob");
        // an LSTM over 2-D input: its x_transform's axis 2 does not exist
        assertThatThrownBy(() -> Nets.graph("layer { name: 'in' type: 'Input' top: 'x' top: 'cont' input_param {"
                + " shape { dim: 3 dim: 2 } } } layer { name: 'r' type: 'LSTM' bottom: 'x' bottom: 'cont' top: 'h'"
                + " recurrent_param { num_output: 4 } }", Phase.TRAIN)).hasMessageContaining("in the unrolled net")
                .hasMessageContaining("r_x_transform");
    }

    @Test
    void lstmUnitChecksItsThreeBottoms() {
        String inputs = "layer { name: 'u_in' type: 'Input' top: 'c' top: 'g' top: 'k' input_param { shape { dim: 1 dim: 2"
                + " dim: 3 } shape { dim: 1 dim: 2 dim: 12 } shape { dim: 1 dim: 2 } } }\n";
        NetGraph.Layer unit = layer(inputs + "layer { name: 'u' type: 'LSTMUnit' bottom: 'c' bottom: 'g' bottom: 'k'"
                + " top: 'c1' top: 'h1' }", "u");
        assertThat(unit.topShapes()).containsExactly(Shape.of(1, 2, 3), Shape.of(1, 2, 3));
        assertThatThrownBy(() -> layer(inputs + "layer { name: 'u' type: 'LSTMUnit' bottom: 'c' bottom: 'c' bottom: 'k'"
                + " top: 'c1' top: 'h1' }", "u")).hasMessageContaining("4 gate inputs");
    }

    @Test
    void im2colMakesTheColumnBufferATop() {
        NetGraph g = Nets.graph("layer { name: 'in' type: 'Input' top: 'x' input_param { shape { dim: 2 dim: 3 dim: 17"
                + " dim: 13 } } } layer { name: 'i' type: 'Im2col' bottom: 'x' top: 'y' convolution_param { kernel_size: 3"
                + " stride: 2 pad: 1 } }", Phase.TRAIN);
        assertThat(Nets.layer(g, "i").topShapes()).containsExactly(Shape.of(2, 27, 9, 7));
    }

    @Test
    void batchReindexTakesOneItemPerIndex() {
        assertThatThrownBy(() -> layer("layer { name: 'b' type: 'BatchReindex' bottom: 's' bottom: 'cont' top: 'y' }", "b"))
                .isInstanceOf(NetException.class).hasMessageContaining("exactly 1 axis");
        NetGraph g = Nets.graph("layer { name: 'in' type: 'Input' top: 'x' top: 'i' input_param { shape { dim: 4 dim: 3"
                + " dim: 2 } shape { dim: 6 } } } layer { name: 'b' type: 'BatchReindex' bottom: 'x' bottom: 'i' top: 'y' }",
                Phase.TRAIN);
        assertThat(Nets.layer(g, "b").topShapes()).containsExactly(Shape.of(6, 3, 2));
    }

    @Test
    void parameterOwnsABlobItsTopShares() {
        NetGraph g = Nets.graph("layer { name: 'p' type: 'Parameter' top: 'w' parameter_param { shape { dim: 3 dim: 5 } } }",
                Phase.TRAIN);
        NetGraph.Layer p = Nets.layer(g, "p");
        assertThat(p.topShapes()).containsExactly(Shape.of(3, 5));
        assertThat(params(p, g)).containsExactly(Shape.of(3, 5));
        assertThat(g.param(p.params().get(0)).learnable()).isTrue();
    }

    @Test
    void hdf5OutputReadsItsBottomsThroughTheLegacyAccessors() {
        assertThat(layer("layer { name: 'o' type: 'HDF5Output' bottom: 'x' bottom: 'cont' hdf5_output_param { file_name:"
                + " 'out.h5' } }", "o").tops()).isEmpty();
        assertThatThrownBy(() -> Nets.graph("layer { name: 'in' type: 'Input' top: 'x' top: 'y' input_param { shape { dim: 2"
                + " dim: 1 dim: 1 dim: 1 dim: 1 } shape { dim: 2 } } } layer { name: 'o' type: 'HDF5Output' bottom: 'x'"
                + " bottom: 'y' }", Phase.TRAIN)).hasMessageContaining("Cannot use legacy accessors on Blobs with > 4 axes.");
        assertThatThrownBy(() -> layer("layer { name: 'o' type: 'HDF5Output' bottom: 'x' bottom: 's' }", "o"))
                .hasMessageContaining("same num");
    }

    @Test
    void infogainLossMayOutputItsProbabilities() {
        String net = "layer { name: 'in' type: 'Input' top: 'p' top: 'l' top: 'H' input_param { shape { dim: 4 dim: 5 }"
                + " shape { dim: 4 } shape { dim: 5 dim: 5 } } }\n"
                + "layer { name: 'loss' type: 'InfogainLoss' bottom: 'p' bottom: 'l' bottom: 'H' top: 'loss' top: 'prob'"
                + " LOSS_WEIGHTS }";
        NetGraph g = Nets.graph(net.replace("LOSS_WEIGHTS", "loss_weight: 1 loss_weight: 0"), Phase.TRAIN);
        assertThat(Nets.layer(g, "loss").topShapes()).containsExactly(Shape.scalar(), Shape.of(4, 5));
        // LossLayer's default weight is one for one top: two tops need theirs written out
        assertThatThrownBy(() -> Nets.graph(net.replace("LOSS_WEIGHTS", ""), Phase.TRAIN))
                .hasMessageContaining("loss_weight must be unspecified or specified once per top blob");
        assertThatThrownBy(() -> Nets.graph(net.replace("bottom: 'H' ", "").replace("LOSS_WEIGHTS",
                "loss_weight: 1 loss_weight: 0"), Phase.TRAIN)).hasMessageContaining("Infogain matrix source must be specified");
    }
}
