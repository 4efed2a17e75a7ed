package dev.caffemem.reality;

import java.util.ArrayList;
import java.util.List;

/**
 * The blocks of {@link RandomNets} for the layer types of Caffe 1.0 that work on sequences, write files or
 * hold a blob as a top: LSTM, RNN, LSTMUnit, Im2col, BatchReindex, Parameter and HDF5Output. They draw from
 * the generator's Random and name their blobs with its counter, so a seed still gives one net.
 */
final class SequenceBlocks {
    private final RandomNets net;

    SequenceBlocks(RandomNets net) {
        this.net = net;
    }

    /**
     * An LSTM or RNN over the blob as T x 1 x K (T the batch, one stream), cont from the labels; sometimes a
     * static input and an exposed hidden state (from Parameter layers), sometimes W_hh shared by name
     * with an earlier recurrent layer of the same kind and size. The output goes on as T x H x 1 x 1.
     */
    String recurrent(String in) {
        String type = net.rnd.nextBoolean() ? "LSTM" : "RNN";
        String seq = net.name("seq");
        String cont = net.name("cont");
        String out = net.name(type.toLowerCase());
        int hidden = 2 + net.rnd.nextInt(4);
        StringBuilder sb = new StringBuilder();
        sb.append(reshape(in, seq, 0, 1, -1)).append(reshape("label", cont, 0, 1));
        List<String> bottoms = new ArrayList<>(List.of(seq, cont));
        boolean staticInput = net.rnd.nextInt(3) == 0;
        if (staticInput) {
            String s = net.name("static");
            sb.append(parameter(s, 1, 2 + net.rnd.nextInt(3)));
            bottoms.add(s);
        }
        boolean expose = net.rnd.nextInt(3) == 0;
        List<String> tops = new ArrayList<>(List.of(out));
        if (expose) {
            for (String state : type.equals("LSTM") ? List.of("h0", "c0") : List.of("h0")) {
                String s = net.name(state + "_");
                sb.append(parameter(s, 1, 1, hidden));
                bottoms.add(s);
                tops.add(net.name(state.replace('0', 'T') + "_"));
            }
        }
        String shared = !staticInput && net.rnd.nextInt(3) == 0
                ? " param { } param { } param { name: \"" + type + "_" + hidden + "_w_hh\" }" : "";
        sb.append(String.format("layer { name: \"%s\" type: \"%s\"%s%s%s recurrent_param { num_output: %d expose_hidden: %s"
                + " weight_filler { type: \"uniform\" min: -0.1 max: 0.1 } } }%n", out, type, blobs(" bottom", bottoms),
                blobs(" top", tops), shared, hidden, expose));
        String flat = net.name("flat");
        net.open.add(flat);
        return sb.append(reshape(out, flat, 0, -1, 1, 1)).toString();
    }

    /** One LSTM timestep over the batch as N streams: c_prev and the gates from inner products, cont from the labels. */
    String lstmUnit(String in) {
        int d = 2 + net.rnd.nextInt(4);
        String gates = net.name("gates");
        String prev = net.name("cprev");
        String cont = net.name("cont");
        String c = net.name("c");
        String h = net.name("h");
        String out = net.name("hflat");
        net.open.add(out);
        return String.format("layer { name: \"%s\" type: \"InnerProduct\" bottom: \"%s\" top: \"%s\" inner_product_param { num_output: %d } }%n",
                gates, in, gates, 4 * d)
                + String.format("layer { name: \"%s\" type: \"InnerProduct\" bottom: \"%s\" top: \"%s\" inner_product_param { num_output: %d } }%n",
                prev, in, prev, d)
                + reshape(gates, gates + "_t", 1, -1, 4 * d) + reshape(prev, prev + "_t", 1, -1, d)
                + reshape("label", cont, 1, -1)
                + String.format("layer { name: \"%s\" type: \"LSTMUnit\" bottom: \"%s_t\" bottom: \"%s_t\" bottom: \"%s\""
                + " top: \"%s\" top: \"%s\" }%n", net.name("unit"), prev, gates, cont, c, h)
                + reshape(h, out, -1, d);
    }

    String im2col(String in) {
        String out = net.name("cols");
        net.open.add(out);
        int k = 1 + net.rnd.nextInt(3);
        return String.format("layer { name: \"%s\" type: \"Im2col\" bottom: \"%s\" top: \"%s\" convolution_param {"
                + " kernel_size: %d stride: %d pad: %d } }%n", out, in, out, k, 1 + net.rnd.nextInt(2), net.rnd.nextInt(k));
    }

    /** The items reordered by the labels as indices (all zero in a dry run: item 0 repeated). */
    String batchReindex(String in) {
        String out = net.name("reindex");
        net.open.add(out);
        return String.format("layer { name: \"%s\" type: \"BatchReindex\" bottom: \"%s\" bottom: \"label\" top: \"%s\" }%n",
                out, in, out);
    }

    /** A per-channel factor or bias learned as a Parameter layer's blob, given to Scale or Bias as bottom[1]. */
    String parameterFactor(String in) {
        String factor = net.name("factor");
        String out = net.name("scaled");
        net.open.add(out);
        return parameter(factor, net.channelsOf(in)) + String.format("layer { name: \"%s\" type: \"%s\" bottom: \"%s\" bottom:"
                + " \"%s\" top: \"%s\" }%n", out, net.rnd.nextBoolean() ? "Scale" : "Bias", in, factor, out);
    }

    /**
     * An inner product of the blob (at most 6.4 KB per batch of 4) and the labels written out, by a TRAIN and
     * a TEST layer with files of their own; at most once per net. HDF5 keeps a dataset's sieve buffer for the
     * next dataset of the same size in the process, and the reality tests run many nets in one process:
     * two nets writing one size would see the buffer once, which costs at most 8 KiB (the tests' floor) here.
     */
    String hdf5Output(String in) {
        if (net.has("HDF5Output")) {
            return null;
        }
        String name = net.name("hdf5out");
        String written = name + "_blob";
        StringBuilder sb = new StringBuilder(String.format("layer { name: \"%s\" type: \"InnerProduct\" bottom: \"%s\""
                + " top: \"%s\" inner_product_param { num_output: %d } }%n", written, in, written, 1 + net.rnd.nextInt(400)));
        for (String phase : new String[] {"TRAIN", "TEST"}) {
            sb.append(String.format("layer { name: \"%s_%s\" type: \"HDF5Output\" bottom: \"%s\" bottom: \"label\""
                    + " include { phase: %s } hdf5_output_param { file_name: \"%s_%s.h5\" } }%n", name, phase, written,
                    phase, name, phase.toLowerCase()));
        }
        return sb.toString();
    }

    static String parameter(String top, int... dims) {
        StringBuilder shape = new StringBuilder();
        for (int d : dims) {
            shape.append(" dim: ").append(d);
        }
        return String.format("layer { name: \"%s\" type: \"Parameter\" top: \"%s\" parameter_param { shape {%s } } }%n",
                top, top, shape);
    }

    private static String reshape(String in, String out, int... dims) {
        StringBuilder shape = new StringBuilder();
        for (int d : dims) {
            shape.append(" dim: ").append(d);
        }
        return String.format("layer { name: \"%s\" type: \"Reshape\" bottom: \"%s\" top: \"%s\" reshape_param { shape {%s } } }%n",
                out, in, out, shape);
    }

    private static String blobs(String field, List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(field).append(": \"").append(n).append('"');
        }
        return sb.toString();
    }
}
