package dev.caffemem.model;

import dev.caffemem.net.NetGraph;
import dev.caffemem.prototxt.Message;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Host memory a Caffe process holds besides blob buffers: the Net, Layer and Blob objects, the
 * protobuf copies of every LayerParameter (the caller's, the solver's and the layer's own), the
 * solver's history Blob shells, and glibc's chunk headers and page rounding. It is a linear model over
 * the net's structure whose coefficients were fitted against glibc's own count (mallinfo2) on real
 * Caffe 1.0 runs; the resource file records when and on what. Malloc rounding is computed exactly.
 */
public final class Bookkeeping {
    /** glibc's pinned initial mmap threshold: buffers at least this large are mmapped and page-rounded. */
    public static final long MMAP_THRESHOLD = 128 * 1024;
    private static final String RESOURCE = "bookkeeping.properties";
    private static final Map<String, Double> COEFFICIENTS = load();

    private Bookkeeping() {
    }

    /**
     * Bytes glibc hands out for a request of {@code n} bytes (64-bit glibc: 8-byte header, 16-byte
     * alignment, 32-byte minimum; mmapped chunks rounded to 4 KiB pages).
     */
    public static long chunk(long n) {
        long nb = Math.max(32, (n + 8 + 15) & ~15L);
        return n >= MMAP_THRESHOLD ? (nb + 8 + 4095) & ~4095L : nb;
    }

    /**
     * The structural features of one net, by name; the model is their dot product with the coefficients.
     *
     * @param solver          the solver type for a train net (its history Blob shells), null otherwise
     * @param retainedCopies  how many copies of the whole NetParameter the process keeps besides each
     *                        layer's own: 0 when Caffe read the net from a file (its copy dies after Init),
     *                        2 for a solver with an inline net_param kept by its caller (as the probe does),
     *                        1 for a Net built from a NetParameter its caller keeps
     */
    public static Map<String, Double> features(NetGraph graph, SolverType solver, int retainedCopies) {
        return features(graph, solver, retainedCopies, solver != null ? "net.train" : "net.alone");
    }

    /**
     * @param role "net.train" (a solver's train net: the Solver object too), "net.alone" (a Net built on its own)
     *             or "net.test" (a solver's test net)
     */
    public static Map<String, Double> features(NetGraph graph, SolverType solver, int retainedCopies, String role) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put(role, 1.0);
        int[] counts = new int[4];
        structure(graph, f, counts);
        int sourceSubmessages = 0;
        java.util.List<Message> source = graph.spec().source().getMessages("layer");
        for (Message layer : source) {
            sourceSubmessages += submessages(layer);
        }
        f.put("sourceLayers", (double) retainedCopies * source.size());
        f.put("sourceSubmessages", (double) retainedCopies * sourceSubmessages);
        f.put("blobs", (double) counts[BLOBS]);
        f.put("refs", (double) counts[REFS]);
        f.put("params", (double) counts[PARAMS]);
        f.put("submessages", (double) counts[SUBMESSAGES]);
        if (solver != null) {
            long learnable = graph.params().stream().filter(NetGraph.Param::learnable).count();
            f.put("solverBlobs", (double) learnable * (2 + solver.historySets()));
        }
        return f;
    }

    private static final int BLOBS = 0;
    private static final int REFS = 1;
    private static final int PARAMS = 2;
    private static final int SUBMESSAGES = 3;

    /**
     * Counts a net's layers by variant, and its blobs, bottom/top references, parameter blobs and layer
     * sub-messages, into {@code f} and {@code counts}. A recurrent layer's unrolled net is a Net of its own
     * in the same process: its objects are counted the same way (the Net object itself is in the LSTM or
     * RNN layer's own coefficient, what its timesteps cost beyond their layers' usual price in step.LSTM
     * and step.RNN).
     */
    private static void structure(NetGraph graph, Map<String, Double> f, int[] counts) {
        counts[BLOBS] += graph.blobs().size();
        counts[PARAMS] += graph.params().size();
        for (NetGraph.Layer l : graph.layers()) {
            f.merge("layer." + variant(l), 1.0, Double::sum);
            counts[REFS] += l.bottoms().size() + l.tops().size();
            counts[SUBMESSAGES] += submessages(l.spec().param());
            if (l.type().equals("LSTM") || l.type().equals("RNN")) {
                java.util.List<dev.caffemem.net.Shape> bottoms = new java.util.ArrayList<>();
                l.bottoms().forEach(b -> bottoms.add(graph.blob(b).shape()));
                structure(dev.caffemem.shape.UnrolledNet.graph(l.spec(), bottoms), f, counts);
                // what the unrolled net's copies of the step cost beyond their layers' usual price
                f.merge("step." + l.type(), (double) bottoms.get(0).dim(0), Double::sum);
            }
        }
    }

    /** The layer type, split where a setting builds different internals (sub-layers, extra Blob members). */
    static String variant(NetGraph.Layer l) {
        Message p = l.spec().param();
        return switch (l.type()) {
            case "LRN" -> p.getMessage("lrn_param").getEnum("norm_region").equals("WITHIN_CHANNEL") ? "LRN-within" : "LRN";
            case "Scale" -> p.getMessage("scale_param").getBool("bias_term") ? "Scale-bias" : "Scale";
            case "Pooling" -> p.getMessage("pooling_param").getEnum("pool").equals("MAX") ? "Pooling-max" : "Pooling";
            case "Eltwise" -> p.getMessage("eltwise_param").getEnum("operation").equals("MAX") ? "Eltwise-max" : "Eltwise";
            default -> l.type();
        };
    }

    /** Sub-messages present in a layer's parameters, recursively (each is a heap object in every copy). */
    static int submessages(Message m) {
        int n = 0;
        for (Message sub : m.presentMessages()) {
            n += 1 + submessages(sub);
        }
        return n;
    }

    /** The objects' bytes for a set of features (without the buffers' own rounding). */
    public static long objects(Map<String, Double> features) {
        double sum = 0;
        for (Map.Entry<String, Double> e : features.entrySet()) {
            Double c = COEFFICIENTS.get(e.getKey());
            if (c == null && e.getKey().startsWith("layer.")) {
                c = COEFFICIENTS.getOrDefault("layer.default", 0.0);
            }
            sum += (c == null ? 0 : c) * e.getValue();
        }
        return Math.max(0, Math.round(sum));
    }

    /** glibc's rounding over a set of buffers: what their chunks cost beyond their own bytes. */
    public static long rounding(Iterable<Buffer> touched) {
        long extra = 0;
        for (Buffer b : touched) {
            extra += chunk(b.bytes()) - b.bytes();
        }
        return extra;
    }

    public static Map<String, Double> coefficients() {
        return COEFFICIENTS;
    }

    private static Map<String, Double> load() {
        Properties p = new Properties();
        try (InputStream in = Bookkeeping.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            out.put(k, Double.parseDouble(p.getProperty(k)));
        }
        return out;
    }
}
