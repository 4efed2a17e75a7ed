package dev.caffemem.reality;

import dev.caffemem.net.NetException;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.NetState;
import dev.caffemem.net.Phase;
import dev.caffemem.net.Shape;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import dev.caffemem.shape.LayerKinds;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of valid training nets: convolution, pooling, inner product, ReLU, BatchNorm
 * (+ Scale), Concat and Eltwise branches, Dropout, LRN, Sigmoid, Deconvolution, Flatten and fan-out
 * (which makes Caffe insert Splits), LSTM and RNN (static input, exposed hidden state, shared W_hh),
 * LSTMUnit, Im2col, BatchReindex, Parameter factors, HDF5Output, with random in-place choices, frozen
 * layers and shared weights, ending in a loss (SoftmaxWithLoss, EuclideanLoss, or InfogainLoss with H
 * as a bottom and sometimes its second top). Each candidate layer is checked with the estimator's own shape rules and dropped
 * if Caffe would refuse it, so every net is buildable. The same seed gives the same net.
 */
public final class RandomNets {
    final Random rnd;
    private final StringBuilder text = new StringBuilder();
    final List<String> open = new ArrayList<>();
    private int counter;
    private final SequenceBlocks more = new SequenceBlocks(this);

    private RandomNets(long seed) {
        this.rnd = new Random(seed);
    }

    /** The prototxt of net number {@code seed}. */
    public static String generate(long seed) {
        return new RandomNets(seed).build();
    }

    private String build() {
        int n = 1 + rnd.nextInt(3);
        int c = 1 + rnd.nextInt(6);
        int h = 6 + rnd.nextInt(18);
        int w = rnd.nextBoolean() ? h : 6 + rnd.nextInt(18);
        text.append("name: \"random\"\n");
        if (rnd.nextInt(3) == 0) {
            // the train_val pattern: a TEST twin of the data layer with its own batch
            String input = "layer { name: \"data\" type: \"Input\" top: \"data\" top: \"label\" include { phase: %s }"
                    + " input_param { shape { dim: %d dim: %d dim: %d dim: %d } shape { dim: %d } } }%n";
            text.append(String.format(input, "TRAIN", n, c, h, w, n));
            text.append(String.format(input, "TEST", n + 1, c, h, w, n + 1));
        } else {
            text.append(String.format("layer { name: \"data\" type: \"Input\" top: \"data\" top: \"label\" input_param {"
                    + " shape { dim: %d dim: %d dim: %d dim: %d } shape { dim: %d } } }%n", n, c, h, w, n));
        }
        open.add("data");
        int layers = 3 + rnd.nextInt(16);
        for (int i = 0; i < layers; i++) {
            for (int attempt = 0; attempt < 8; attempt++) {
                int before = open.size();
                if (tryAdd(randomBlock())) {
                    break;
                }
                open.subList(before, open.size()).clear();
            }
        }
        finish();
        return text.toString();
    }

    /** Appends a block if the net still builds with it; returns whether it did. */
    private boolean tryAdd(String block) {
        if (block == null) {
            return false;
        }
        String candidate = text + block;
        try {
            NetGraph.build(NetSpec.of(NetSpec.parse(candidate, "random"),
                    NetState.of(Phase.TRAIN)), new LayerKinds(ShapeOverrides.NONE), ShapeOverrides.NONE);
        } catch (NetException | IllegalArgumentException | ArithmeticException e) {
            return false;
        }
        text.append(block);
        return true;
    }

    /** Whether the net so far has a layer of this type. */
    boolean has(String type) {
        return text.indexOf("type: \"" + type + "\"") >= 0;
    }

    private String last() {
        return open.get(open.size() - 1);
    }

    String name(String prefix) {
        return prefix + (++counter);
    }

    private String randomBlock() {
        String in = last();
        return switch (rnd.nextInt(19)) {
            case 14 -> more.recurrent(in);
            case 15 -> more.lstmUnit(in);
            case 16 -> rnd.nextBoolean() ? more.im2col(in) : more.batchReindex(in);
            case 17 -> more.parameterFactor(in);
            case 18 -> more.hdf5Output(in);
            case 0, 1, 2 -> conv(in);
            case 3 -> pool(in);
            case 4 -> neuron(in, "ReLU");
            case 5 -> neuron(in, rnd.nextBoolean() ? "Sigmoid" : "TanH");
            case 6 -> batchNorm(in);
            case 7 -> dropout(in);
            case 8 -> concatBranches(in);
            case 9 -> eltwiseBranches(in);
            case 10 -> fanOut(in);
            case 11 -> rnd.nextBoolean() ? lrn(in) : deconv(in);
            case 12 -> innerProduct(in, false);
            default -> scale(in);
        };
    }

    private String params(boolean frozen) {
        StringBuilder sb = new StringBuilder();
        if (frozen) {
            sb.append(" param { lr_mult: 0 } param { lr_mult: 0 }");
        } else if (rnd.nextInt(4) == 0) {
            sb.append(" param { lr_mult: 1 decay_mult: 1 } param { lr_mult: 2 decay_mult: 0 }");
        }
        return sb.toString();
    }

    private String conv(String in) {
        String out = name("conv");
        int k = new int[] {1, 3, 5}[rnd.nextInt(3)];
        int pad = rnd.nextInt(k / 2 + 1);
        int stride = rnd.nextInt(4) == 0 ? 2 : 1;
        String group = rnd.nextInt(5) == 0 ? " group: 2" : "";
        int numOutput = (1 + rnd.nextInt(8)) * 2;
        String dilation = k > 1 && rnd.nextInt(6) == 0 ? " dilation: 2" : "";
        String bias = rnd.nextInt(5) == 0 ? " bias_term: false" : "";
        boolean frozen = rnd.nextInt(6) == 0;
        open.add(out);
        return String.format("layer { name: \"%s\" type: \"Convolution\" bottom: \"%s\" top: \"%s\"%s"
                + " convolution_param { num_output: %d kernel_size: %d pad: %d stride: %d%s%s%s"
                + " weight_filler { type: \"xavier\" } } }%n", out, in, out, params(frozen && bias.isEmpty()), numOutput, k,
                pad, stride, group, dilation, bias);
    }

    private String deconv(String in) {
        String out = name("deconv");
        open.add(out);
        return String.format("layer { name: \"%s\" type: \"Deconvolution\" bottom: \"%s\" top: \"%s\""
                + " convolution_param { num_output: %d kernel_size: %d stride: %d } }%n", out, in, out,
                2 + rnd.nextInt(4), 2 + rnd.nextInt(2), 1 + rnd.nextInt(2));
    }

    private String pool(String in) {
        String out = name("pool");
        open.add(out);
        if (rnd.nextInt(6) == 0) {
            return String.format("layer { name: \"%s\" type: \"Pooling\" bottom: \"%s\" top: \"%s\""
                    + " pooling_param { pool: %s global_pooling: true } }%n", out, in, out, rnd.nextBoolean() ? "MAX" : "AVE");
        }
        int k = 2 + rnd.nextInt(2);
        return String.format("layer { name: \"%s\" type: \"Pooling\" bottom: \"%s\" top: \"%s\""
                + " pooling_param { pool: %s kernel_size: %d stride: %d pad: %d } }%n", out, in, out,
                rnd.nextBoolean() ? "MAX" : "AVE", k, 1 + rnd.nextInt(2), rnd.nextInt(k));
    }

    private String neuron(String in, String type) {
        boolean inPlace = rnd.nextBoolean();
        String out = inPlace ? in : name(type.toLowerCase());
        if (!inPlace) {
            open.add(out);
        }
        return String.format("layer { name: \"%s\" type: \"%s\" bottom: \"%s\" top: \"%s\" }%n", name(type), type, in, out);
    }

    private String dropout(String in) {
        return String.format("layer { name: \"%s\" type: \"Dropout\" bottom: \"%s\" top: \"%s\" }%n", name("drop"), in, in);
    }

    private String lrn(String in) {
        String out = name("norm");
        open.add(out);
        String region = rnd.nextInt(3) == 0 ? " norm_region: WITHIN_CHANNEL" : "";
        return String.format("layer { name: \"%s\" type: \"LRN\" bottom: \"%s\" top: \"%s\" lrn_param { local_size: 3%s } }%n",
                out, in, out, region);
    }

    /** ResNet style: BatchNorm then Scale, in place; sometimes BatchNorm alone, not in place. */
    private String batchNorm(String in) {
        if (rnd.nextBoolean()) {
            String bn = name("bn");
            String specs = rnd.nextBoolean() ? " param { lr_mult: 0 } param { lr_mult: 0 } param { lr_mult: 0 }" : "";
            return String.format("layer { name: \"%s\" type: \"BatchNorm\" bottom: \"%s\" top: \"%s\"%s }%n"
                    + "layer { name: \"%s\" type: \"Scale\" bottom: \"%s\" top: \"%s\" scale_param { bias_term: true } }%n",
                    bn, in, in, specs, name("scale"), in, in);
        }
        String out = name("bn");
        open.add(out);
        return String.format("layer { name: \"%s\" type: \"BatchNorm\" bottom: \"%s\" top: \"%s\" }%n", out, in, out);
    }

    private String scale(String in) {
        String out = name("scale");
        boolean inPlace = rnd.nextBoolean();
        if (!inPlace) {
            open.add(out);
        }
        return String.format("layer { name: \"%s\" type: \"Scale\" bottom: \"%s\" top: \"%s\" scale_param { bias_term: %s } }%n",
                out, in, inPlace ? in : out, rnd.nextBoolean());
    }

    /** Two convolution branches of the same spatial size, concatenated along channels. */
    private String concatBranches(String in) {
        String a = name("branch");
        String b = name("branch");
        String out = name("concat");
        open.add(out);
        return String.format("layer { name: \"%s\" type: \"Convolution\" bottom: \"%s\" top: \"%s\" convolution_param { num_output: %d kernel_size: 1 } }%n"
                + "layer { name: \"%s\" type: \"Convolution\" bottom: \"%s\" top: \"%s\" convolution_param { num_output: %d kernel_size: 3 pad: 1 } }%n"
                + "layer { name: \"%s\" type: \"Concat\" bottom: \"%s\" bottom: \"%s\" top: \"%s\" }%n",
                a, in, a, 1 + rnd.nextInt(6), b, in, b, 1 + rnd.nextInt(6), out, a, b, out);
    }

    /** A residual-style block: a same-shape branch added (or multiplied, or maxed) to its input. */
    private String eltwiseBranches(String in) {
        String a = name("res");
        String out = name("eltwise");
        open.add(out);
        String op = new String[] {"SUM", "SUM", "PROD", "MAX"}[rnd.nextInt(4)];
        return String.format("layer { name: \"%s\" type: \"Convolution\" bottom: \"%s\" top: \"%s\" convolution_param { num_output: CHANNELS kernel_size: 3 pad: 1 } }%n"
                + "layer { name: \"%s\" type: \"Eltwise\" bottom: \"%s\" bottom: \"%s\" top: \"%s\" eltwise_param { operation: %s } }%n",
                a, in, a, out, in, a, out, op).replace("CHANNELS", Integer.toString(channelsOf(in)));
    }

    /** A side branch that reads the blob again and ends in its own loss: a fan-out, so Caffe inserts a Split. */
    private String fanOut(String in) {
        String side = name("side");
        String loss = name("sideloss");
        return String.format("layer { name: \"%s\" type: \"InnerProduct\" bottom: \"%s\" top: \"%s\" inner_product_param { num_output: 3 } }%n"
                + "layer { name: \"%s\" type: \"SoftmaxWithLoss\" bottom: \"%s\" bottom: \"label\" top: \"%s\" loss_weight: 0.3 }%n",
                side, in, side, loss, side, loss);
    }

    private String innerProduct(String in, boolean last) {
        String out = name("fc");
        open.add(out);
        return String.format("layer { name: \"%s\" type: \"InnerProduct\" bottom: \"%s\" top: \"%s\"%s inner_product_param { num_output: %d } }%n",
                out, in, out, params(!last && rnd.nextInt(5) == 0), last ? 5 : 4 + rnd.nextInt(12));
    }

    private void finish() {
        String in = last();
        int before = open.size();
        if (!tryAdd(innerProduct(in, true))) {
            open.subList(before, open.size()).clear();
        }
        String scores = last();
        if (rnd.nextInt(4) == 0) {
            text.append(String.format("layer { name: \"loss\" type: \"EuclideanLoss\" bottom: \"%s\" bottom: \"%s\" top: \"loss\" }%n",
                    scores, scores.equals(in) ? in : scores));
        } else if (rnd.nextInt(4) == 0) {
            // H, the 5 x 5 infogain matrix, as a third bottom learned by a Parameter layer; sometimes the
            // softmax output as a second top (which needs a loss weight of its own)
            boolean prob = rnd.nextBoolean();
            text.append(SequenceBlocks.parameter("infogain", 5, 5)).append(String.format("layer { name: \"loss\" type: \"InfogainLoss\""
                    + " bottom: \"%s\" bottom: \"label\" bottom: \"infogain\" top: \"loss\"%s propagate_down: true"
                    + " propagate_down: false propagate_down: false }%n", scores, prob ? " top: \"prob\" loss_weight: 1"
                    + " loss_weight: 0" : ""));
        } else {
            text.append(String.format("layer { name: \"loss\" type: \"SoftmaxWithLoss\" bottom: \"%s\" bottom: \"label\" top: \"loss\" }%n", scores));
        }
        switch (rnd.nextInt(3)) {
            case 0 -> text.append(String.format("layer { name: \"accuracy\" type: \"Accuracy\" bottom: \"%s\" bottom: \"label\""
                    + " top: \"accuracy\" }%n", scores));
            case 1 -> text.append(String.format("layer { name: \"accuracy\" type: \"Accuracy\" bottom: \"%s\" bottom: \"label\""
                    + " top: \"accuracy\" include { phase: TEST } }%n"
                    + "layer { name: \"test_only\" type: \"Silence\" bottom: \"label\" include { phase: TEST stage: \"x\" } }%n", scores));
            default -> {
            }
        }
    }

    int channelsOf(String blob) {
        try {
            NetGraph g = NetGraph.build(NetSpec.of(NetSpec.parse(text.toString(), "random"), NetState.of(Phase.TRAIN)),
                    new LayerKinds(ShapeOverrides.NONE), ShapeOverrides.NONE);
            for (NetGraph.Blob b : g.blobs()) {
                if (b.name().equals(blob)) {
                    Shape s = b.shape();
                    return s.axes() > 1 ? s.dim(1) : 1;
                }
            }
        } catch (NetException e) {
            return 1;
        }
        return 1;
    }

    /** The generated net, parsed and upgraded. */
    public static Message net(long seed) {
        return NetSpec.parse(generate(seed), "random-" + seed);
    }
}
