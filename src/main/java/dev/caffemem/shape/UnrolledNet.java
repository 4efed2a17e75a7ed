package dev.caffemem.shape;

import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.NetException;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.NetState;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.Schema;
import java.util.List;

/**
 * The NetParameter that an LSTM or RNN layer builds for itself in {@code RecurrentLayer::LayerSetUp}
 * (src/caffe/layers/recurrent_layer.cpp, lstm_layer.cpp, rnn_layer.cpp): an Input layer for x, cont
 * and the static input, one for the hidden state at time 0, then T copies of the step's layers sharing
 * their weights by name, every layer name prefixed with the outer layer's, and a pseudo-loss Reduction
 * on each output so that the inner net runs backward.
 */
public final class UnrolledNet {
    private final Message net = new Message(Schema.caffe().message("NetParameter"));
    private final Message recurrent;
    private final int numOutput;

    private UnrolledNet(Message recurrent) {
        this.recurrent = recurrent;
        this.numOutput = recurrent.getInt("num_output");
    }

    /**
     * The unrolled net's NetParameter, in the order Caffe adds its layers.
     *
     * @param bottoms x (T x N x ...), cont (T x N) and, when present, the static input (N x ...)
     * @param staticInput whether bottom 2 is the static input (not an exposed hidden state)
     */
    private static Message of(LayerSpec layer, List<Shape> bottoms, boolean staticInput) {
        UnrolledNet u = new UnrolledNet(layer.params("recurrent_param"));
        Message input = u.layer("", "Input", List.of(), List.of("x", "cont"));
        input.mutableMessage("input_param").addMessage("shape").set("dim", dims(bottoms.get(0)));
        input.mutableMessage("input_param").addMessage("shape").set("dim", dims(bottoms.get(1)));
        if (staticInput) {
            input.add("top", "x_static");
            input.mutableMessage("input_param").addMessage("shape").set("dim", dims(bottoms.get(2)));
        }
        int t = bottoms.get(0).dim(0);
        int n = bottoms.get(0).dim(1);
        if (u.numOutput <= 0) {
            throw new IllegalArgumentException("num_output must be positive (recurrent_param.num_output is "
                    + u.numOutput + ")");
        }
        if (layer.type().equals("LSTM")) {
            u.lstm(t, n, staticInput);
        } else {
            u.rnn(t, n, staticInput);
        }
        if (!layer.name().isEmpty()) {
            for (Message l : u.net.getMessages("layer")) {
                l.set("name", layer.name() + "_" + l.getString("name"));
            }
        }
        String output = layer.type().equals("LSTM") ? "h" : "o";
        Message loss = u.layer(output + "_pseudoloss", "Reduction", List.of(output), List.of(output + "_pseudoloss"));
        loss.add("loss_weight", 1.0);
        return u.net;
    }

    /**
     * The unrolled net as {@code Net::Init} builds it (phase TEST: its NetParameter sets no state), with
     * Splits inserted and shapes set.
     *
     * @throws IllegalArgumentException with a one-line reason when Caffe would refuse the inner net
     */
    public static NetGraph graph(LayerSpec layer, List<Shape> bottoms) {
        int exposed = layer.params("recurrent_param").getBool("expose_hidden") ? recurrentInputs(layer.type()).size() : 0;
        Message param = of(layer, bottoms, bottoms.size() > 2 + exposed);
        try {
            return NetGraph.build(NetSpec.of(param, NetState.of(Phase.TEST)), new LayerKinds(ShapeOverrides.NONE),
                    ShapeOverrides.NONE);
        } catch (NetException e) {
            throw new IllegalArgumentException("in the unrolled net: " + e.getMessage(), e);
        }
    }

    /** The blob names of the hidden state going in at t = 0 (RecurrentInputBlobNames). */
    public static List<String> recurrentInputs(String type) {
        return type.equals("LSTM") ? List.of("h_0", "c_0") : List.of("h_0");
    }

    /** The blob names of the hidden state coming out at t = T (RecurrentOutputBlobNames). */
    public static List<String> recurrentOutputs(String type, int timesteps) {
        return type.equals("LSTM") ? List.of("h_" + timesteps, "c_T") : List.of("h_" + timesteps);
    }

    /** The output blob (OutputBlobNames). */
    public static String output(String type) {
        return type.equals("LSTM") ? "h" : "o";
    }

    private void lstm(int t, int n, boolean staticInput) {
        Message hidden0 = layer("", "Input", List.of(), List.of("c_0", "h_0"));
        for (int i = 0; i < 2; i++) {
            hidden0.mutableMessage("input_param").addMessage("shape").set("dim", List.of(1L, (long) n, (long) numOutput));
        }
        Message contSlice = slice("cont_slice", "cont");
        transforms(4 * numOutput, "W_xc", "b_c", staticInput);
        Message xSlice = slice("W_xc_x_slice", "W_xc_x");
        Message concat = concat("h_concat", "h");
        for (int s = 1; s <= t; s++) {
            String prev = Integer.toString(s - 1);
            String now = Integer.toString(s);
            contSlice.add("top", "cont_" + now);
            xSlice.add("top", "W_xc_x_" + now);
            contScale(prev, now);
            Message w = innerProduct("transform_" + now, 4 * numOutput, false, 2, "h_conted_" + prev, "W_hc_h_" + prev);
            w.addMessage("param").set("name", "W_hc");
            sum("gate_input_" + now, "W_hc_h_" + prev, "W_xc_x_" + now, staticInput ? "W_xc_x_static" : null,
                    "gate_input_" + now);
            layer("unit_" + now, "LSTMUnit", List.of("c_" + prev, "gate_input_" + now, "cont_" + now),
                    List.of("c_" + now, "h_" + now));
            concat.add("bottom", "h_" + now);
        }
        // the copy of c_T is a Split without a name (lstm_layer.cpp sets none)
        layer("", "Split", List.of("c_" + t), List.of("c_T"));
        net.add("layer", concat);
    }

    private void rnn(int t, int n, boolean staticInput) {
        Message hidden0 = layer("", "Input", List.of(), List.of("h_0"));
        hidden0.mutableMessage("input_param").addMessage("shape").set("dim", List.of(1L, (long) n, (long) numOutput));
        Message contSlice = slice("cont_slice", "cont");
        transforms(numOutput, "W_xh", "b_h", staticInput);
        Message xSlice = slice("W_xh_x_slice", "W_xh_x");
        Message concat = concat("o_concat", "o");
        for (int s = 1; s <= t; s++) {
            String prev = Integer.toString(s - 1);
            String now = Integer.toString(s);
            contSlice.add("top", "cont_" + now);
            xSlice.add("top", "W_xh_x_" + now);
            contScale(prev, now);
            Message w = innerProduct("W_hh_h_" + prev, numOutput, false, 2, "h_conted_" + prev, "W_hh_h_" + prev);
            w.addMessage("param").set("name", "W_hh");
            sum("h_input_sum_" + now, "W_hh_h_" + prev, "W_xh_x_" + now, staticInput ? "W_xh_x_static" : null,
                    "h_neuron_input_" + now);
            layer("h_neuron_" + now, "TanH", List.of("h_neuron_input_" + now), List.of("h_" + now));
            Message o = innerProduct("W_ho_h_" + now, numOutput, true, 2, "h_" + now, "W_ho_h_" + now);
            o.addMessage("param").set("name", "W_ho");
            o.addMessage("param").set("name", "b_o");
            layer("o_neuron_" + now, "TanH", List.of("W_ho_h_" + now), List.of("o_" + now));
            concat.add("bottom", "o_" + now);
        }
        net.add("layer", concat);
    }

    /**
     * x for every timestep at once (W x + b, weights {@code w} and {@code b}), and, with a static input,
     * W_static x_static reshaped to one timestep. LSTM names them W_xc/b_c, RNN W_xh/b_h.
     */
    private void transforms(int outputs, String w, String b, boolean staticInput) {
        String suffix = w.substring(2);
        Message x = innerProduct("x_transform", outputs, true, 2, "x", w + "_x");
        x.addMessage("param").set("name", w);
        x.addMessage("param").set("name", b);
        x.add("propagate_down", true);
        if (!staticInput) {
            return;
        }
        Message s = innerProduct(w + "_x_static", outputs, false, 1, "x_static", w + "_x_static_preshape");
        s.addMessage("param").set("name", "W_" + suffix + "_static");
        s.add("propagate_down", true);
        Message reshape = layer(w + "_x_static_reshape", "Reshape", List.of(w + "_x_static_preshape"),
                List.of(w + "_x_static"));
        reshape.mutableMessage("reshape_param").mutableMessage("shape").set("dim", List.of(1L, -1L, (long) outputs));
    }

    /** h_conted_{t-1} := cont_t * h_{t-1}: a Scale with cont as its second bottom, along axis 0. */
    private void contScale(String prev, String now) {
        Message scale = layer("h_conted_" + prev, "Scale", List.of("h_" + prev, "cont_" + now), List.of("h_conted_" + prev));
        scale.mutableMessage("scale_param").set("axis", 0L);
    }

    private Message innerProduct(String name, int outputs, boolean bias, int axis, String bottom, String top) {
        Message l = layer(name, "InnerProduct", List.of(bottom), List.of(top));
        Message p = l.mutableMessage("inner_product_param");
        p.set("num_output", (long) outputs);
        p.set("bias_term", bias);
        p.set("axis", (long) axis);
        p.set("weight_filler", recurrent.getMessage("weight_filler").copy());
        if (bias) {
            p.set("bias_filler", recurrent.getMessage("bias_filler").copy());
        }
        return l;
    }

    private void sum(String name, String a, String b, String staticTerm, String top) {
        Message l = layer(name, "Eltwise", staticTerm == null ? List.of(a, b) : List.of(a, b, staticTerm), List.of(top));
        l.mutableMessage("eltwise_param").set("operation", "SUM");
    }

    private Message slice(String name, String bottom) {
        Message l = layer(name, "Slice", List.of(bottom), List.of());
        l.mutableMessage("slice_param").set("axis", 0L);
        return l;
    }

    /** The output Concat along time; Caffe appends it after the loop. */
    private static Message concat(String name, String top) {
        Message l = new Message(Schema.caffe().message("LayerParameter"));
        l.set("name", name);
        l.set("type", "Concat");
        l.add("top", top);
        l.mutableMessage("concat_param").set("axis", 0L);
        return l;
    }

    private Message layer(String name, String type, List<String> bottoms, List<String> tops) {
        Message l = net.addMessage("layer");
        if (!name.isEmpty()) {
            l.set("name", name);
        }
        l.set("type", type);
        bottoms.forEach(b -> l.add("bottom", b));
        tops.forEach(t -> l.add("top", t));
        return l;
    }

    private static List<Long> dims(Shape s) {
        Long[] d = new Long[s.axes()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (long) s.dim(i);
        }
        return List.of(d);
    }
}
