package dev.caffemem.model;

import dev.caffemem.net.NetException;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Replays one Caffe net through setup, forward and (for a training net) backward, touching buffers
 * the way the real layers do. The result is the set of buffers a real process holds afterwards.
 */
public final class NetSimulator {
    private final NetGraph graph;
    private final Mode mode;
    private final Allocations allocations;
    private final String prefix;
    private final boolean testNet;
    private final List<SimBlob> blobs = new ArrayList<>();
    private final List<SimBlob> params = new ArrayList<>();
    private final List<LayerRun> runs = new ArrayList<>();
    private final List<LayerBehavior> behaviors = new ArrayList<>();
    private final GpuSettings gpu;
    /** For an inner net: the component every buffer of it is billed to; null for a net of its own. */
    private final Component fixedComponent;
    /** For an inner net: the outer layer every buffer of it is billed to; -1 for a net of its own. */
    private final int ownerLayer;

    /**
     * @param prefix  key prefix, "" for the train net, "test0/" etc. for test nets
     * @param shared  for a test net: train-net param blobs by layer name, whose data it shares
     *                ({@code Net::ShareTrainedLayersWith}); empty for the train net
     */
    public NetSimulator(NetGraph graph, Mode mode, Allocations allocations, String prefix,
                        Map<String, List<SimBlob>> shared) {
        this(graph, mode, allocations, prefix, shared, null);
    }

    /** @param gpu the device's settings in GPU mode (workspace sizes), null in CPU mode */
    public NetSimulator(NetGraph graph, Mode mode, Allocations allocations, String prefix,
                        Map<String, List<SimBlob>> shared, GpuSettings gpu) {
        this(graph, mode, allocations, prefix, shared, gpu, null, -1);
    }

    /**
     * A net inside a layer (RecurrentLayer's unrolled net): its blobs, parameters and layer buffers are all
     * that layer's buffers, billed to {@code component} and to the layer of index {@code owner}.
     */
    NetSimulator(NetGraph graph, Mode mode, Allocations allocations, String prefix, GpuSettings gpu,
                 Component component, int owner) {
        this(graph, mode, allocations, prefix, Map.of(), gpu, component, owner);
    }

    private NetSimulator(NetGraph graph, Mode mode, Allocations allocations, String prefix,
                         Map<String, List<SimBlob>> shared, GpuSettings gpu, Component fixedComponent, int ownerLayer) {
        this.fixedComponent = fixedComponent;
        this.ownerLayer = ownerLayer;
        this.gpu = gpu;
        this.graph = graph;
        this.mode = mode;
        this.allocations = allocations;
        this.prefix = prefix;
        this.testNet = !prefix.isEmpty();
        int[] producers = producers(graph);
        for (NetGraph.Blob b : graph.blobs()) {
            int producer = billed(producers[b.id()]);
            long bytes = b.shape().count() * Float.BYTES;
            Buffer data = allocations.create(() -> blobKey(b) + "/data", bytes, component(Component.ACTIVATION_DATA),
                    producer);
            Buffer diff = allocations.create(() -> blobKey(b) + "/diff", bytes, component(Component.ACTIVATION_DIFF),
                    producer);
            blobs.add(new SimBlob(b.name(), b.shape(), data, diff));
        }
        for (NetGraph.Param p : graph.params()) {
            if (p.owner() >= 0) {
                SimBlob owner = params.get(p.owner());
                params.add(new SimBlob("param" + p.id(), p.shape(), owner.data, owner.diff));
                continue;
            }
            long bytes = p.shape().count() * Float.BYTES;
            Buffer data = allocations.create(() -> prefix + "param/" + p.id() + "/data", bytes,
                    component(Component.PARAM_DATA), billed(p.layer()));
            Buffer diff = allocations.create(() -> prefix + "param/" + p.id() + "/diff", bytes,
                    component(Component.PARAM_DIFF), billed(p.layer()));
            params.add(new SimBlob("param" + p.id(), p.shape(), data, diff));
        }
        for (NetGraph.Layer layer : graph.layers()) {
            List<SimBlob> layerParams = new ArrayList<>();
            for (int id : layer.params()) {
                layerParams.add(params.get(id));
            }
            List<SimBlob> trained = shared.get(layer.name());
            if (trained != null) {
                checkShareable(layer, trained, layerParams);
                for (int i = 0; i < trained.size(); i++) {
                    layerParams.get(i).data = trained.get(i).data;
                }
            }
            runs.add(new LayerRun(graph, layer, billed(layer.index()), pick(layer.bottoms()), pick(layer.tops()),
                    layerParams, mode, allocations,
                    component(Component.LAYER_BUFFERS), prefix + "layer"));
            LayerBehavior behavior = Behaviors.of(layer);
            behaviors.add(mode == Mode.GPU ? GpuBehaviors.of(layer, behavior, gpu) : behavior);
        }
    }

    /**
     * {@code Net::ShareTrainedLayersWith} CHECKs that a test-net layer named like a train-net layer has
     * as many blobs, each of the same shape; otherwise Caffe aborts at the solver's first Test().
     */
    private static void checkShareable(NetGraph.Layer layer, List<SimBlob> trained, List<SimBlob> own) {
        if (trained.size() != own.size()) {
            throw NetException.at(layer.spec(), "in the test net, this layer has " + own.size()
                    + " parameter blobs but the train net's layer of the same name has " + trained.size()
                    + "; Caffe aborts sharing the trained weights (\"Incompatible number of blobs\")");
        }
        for (int i = 0; i < own.size(); i++) {
            if (!trained.get(i).shape().equals(own.get(i).shape())) {
                throw NetException.at(layer.spec(), "in the test net, parameter " + i + " has shape "
                        + own.get(i).shape().dimsString() + " but the train net's layer of the same name has "
                        + trained.get(i).shape().dimsString() + "; Caffe aborts sharing the trained weights (\"Cannot share param\")");
            }
        }
    }

    private String blobKey(NetGraph.Blob b) {
        return prefix + "blob/" + b.id() + "/" + b.name();
    }

    private int billed(int layer) {
        return ownerLayer >= 0 ? ownerLayer : layer;
    }

    private Component component(Component c) {
        return fixedComponent != null ? fixedComponent : testNet ? Component.TEST_NET : c;
    }

    /** By blob id, the first layer with the blob among its tops (the one that created it), or -1. */
    private static int[] producers(NetGraph graph) {
        int[] producers = new int[graph.blobs().size()];
        Arrays.fill(producers, -1);
        for (NetGraph.Layer l : graph.layers()) {
            for (int top : l.tops()) {
                if (producers[top] < 0) {
                    producers[top] = l.index();
                }
            }
        }
        return producers;
    }

    private List<SimBlob> pick(List<Integer> ids) {
        List<SimBlob> out = new ArrayList<>();
        for (int id : ids) {
            out.add(blobs.get(id));
        }
        return out;
    }

    /** Net::Init: every layer's SetUp, including {@code Layer::SetLossWeights}. */
    public void setUp() {
        for (int i = 0; i < runs.size(); i++) {
            LayerRun r = runs.get(i);
            behaviors.get(i).setUp(r);
            if (behaviors.get(i).fillsParams()) {
                for (SimBlob p : r.paramBlobs()) {
                    // fillers (or caffe_set) initialise every parameter in LayerSetUp
                    p.touchData();
                }
            }
            for (int t = 0; t < r.tops().size(); t++) {
                if (r.layer().lossWeight(t) != 0) {
                    r.top(t).touchDiff();
                }
            }
        }
    }

    /** Net::ClearParamDiffs: zero every learnable parameter's diff. */
    public void clearParamDiffs() {
        on(deviceSide(), () -> {
            for (NetGraph.Param p : graph.params()) {
                if (p.learnable()) {
                    params.get(p.id()).touchDiff();
                }
            }
        });
    }

    /** The side GPU kernels touch: the device in GPU mode, the host in CPU mode. */
    private Side deviceSide() {
        return mode == Mode.GPU ? Side.DEVICE : Side.HOST;
    }

    /** A layer's Forward/Backward run on the device in GPU mode, unless the layer has no GPU code. */
    private Side sideOf(LayerRun r) {
        return mode == Mode.GPU && !Engine.cpuOnly(r.layer().type()) ? Side.DEVICE : Side.HOST;
    }

    private void on(Side side, Runnable work) {
        allocations.placement().on(side, work);
    }

    /** Net::Forward: each layer's Forward, then the loss read-back of every weighted top. */
    public void forward() {
        forwardTo(runs.size() - 1);
    }

    /** {@code Net::ForwardTo}: layers 0 to {@code last}, inclusive. */
    void forwardTo(int last) {
        for (int i = 0; i <= last; i++) {
            LayerRun r = runs.get(i);
            LayerBehavior behavior = behaviors.get(i);
            if (mode == Mode.CPU) {
                // the host throughout: no side switching on the estimator's hot path
                behavior.forward(r);
                lossReadBack(r);
                continue;
            }
            on(sideOf(r), () -> behavior.forward(r));
            if (sideOf(r) == Side.DEVICE) {
                on(Side.DEVICE, () -> readParamsOnDevice(r));
            }
            on(Side.DEVICE, () -> lossReadBack(r));
        }
    }

    /** Layer::Forward's loss read-back of every weighted top: caffe_cpu_dot, or caffe_gpu_dot in GPU mode. */
    private static void lossReadBack(LayerRun r) {
        for (int t = 0; t < r.tops().size(); t++) {
            if (r.layer().lossWeight(t) != 0) {
                r.top(t).touchData();
                r.top(t).touchDiff();
            }
        }
    }

    /**
     * A layer's Forward_gpu reads its parameters with gpu_data(), so each gets a device copy of what the
     * filler wrote on the host; BatchNorm keeps its moving-average factor (blob 2) on the host.
     */
    private static void readParamsOnDevice(LayerRun r) {
        List<SimBlob> ps = r.paramBlobs();
        for (int p = 0; p < ps.size(); p++) {
            if (!(r.layer().type().equals("BatchNorm") && p == 2)) {
                ps.get(p).touchData();
            }
        }
    }

    /** Net::Backward: layers in reverse, only those that need it. */
    public void backward() {
        backwardFrom(runs.size() - 1);
    }

    /** {@code Net::BackwardFrom}: layers {@code last} down to 0 that need backward. */
    void backwardFrom(int last) {
        for (int i = last; i >= 0; i--) {
            LayerRun r = runs.get(i);
            if (r.layer().needBackward()) {
                LayerBehavior behavior = behaviors.get(i);
                if (mode == Mode.CPU) {
                    behavior.backward(r);
                } else {
                    on(sideOf(r), () -> behavior.backward(r));
                }
            }
        }
    }

    /** The net's learnable parameters, in {@code learnable_params()} order. */
    public List<SimBlob> learnableParams() {
        List<SimBlob> out = new ArrayList<>();
        for (NetGraph.Param p : graph.params()) {
            if (p.learnable()) {
                out.add(params.get(p.id()));
            }
        }
        return out;
    }

    /**
     * Makes the net's unshared parameters use {@code owners}' storage, in {@code params()} order, as a
     * RecurrentLayer's blobs_ are its unrolled net's unshared parameters. A parameter shared inside the net
     * follows its owner only where {@code followOwner} says so; otherwise it keeps the storage its owner
     * had before (Caffe's Blob::ShareData re-points the owner Blob, not the Blobs already sharing with it).
     */
    void adoptParams(List<SimBlob> owners, java.util.function.IntPredicate followOwner) {
        int k = 0;
        int[] ownerIndex = new int[params.size()];
        for (NetGraph.Param p : graph.params()) {
            if (p.learnable()) {
                ownerIndex[p.id()] = k;
                SimBlob own = params.get(p.id());
                own.data = owners.get(k).data;
                own.diff = owners.get(k).diff;
                k++;
            }
        }
        for (NetGraph.Param p : graph.params()) {
            if (!p.learnable() && followOwner.test(ownerIndex[p.owner()])) {
                SimBlob owner = params.get(p.owner());
                params.get(p.id()).data = owner.data;
                params.get(p.id()).diff = owner.diff;
            }
        }
    }

    /** The net's blob of a name (the last one, for a name that in-place layers reuse), or null. */
    SimBlob blob(String name) {
        SimBlob found = null;
        for (SimBlob b : blobs) {
            if (b.name().equals(name)) {
                found = b;
            }
        }
        return found;
    }

    /** Param blobs by layer name, for a test net to share ({@code ShareTrainedLayersWith}). */
    public Map<String, List<SimBlob>> paramsByLayer() {
        Map<String, List<SimBlob>> out = new java.util.HashMap<>();
        for (LayerRun r : runs) {
            // layers without parameters too: Caffe checks every train layer against its test namesake
            out.put(r.layer().name(), r.paramBlobs());
        }
        return out;
    }

    /** Blob objects this net made (net blobs, params, layer-internal blobs): each has a shape buffer. */
    public int blobObjects() {
        int internals = 0;
        for (int i = 0; i < runs.size(); i++) {
            internals += runs.get(i).internalCount();
            if (behaviors.get(i) instanceof RecurrentBehavior recurrent && recurrent.unrolled() != null) {
                internals += recurrent.unrolled().blobObjects();
            }
        }
        return blobs.size() + params.size() + internals;
    }

    public NetGraph graph() {
        return graph;
    }

    public List<SimBlob> blobs() {
        return blobs;
    }

    /** A detached buffer, for costs that no blob holds (e.g. prefetch batches). */
    Buffer buffer(String name, Shape shape, Component component, int layer) {
        return allocations.create(prefix + name, shape.count() * Float.BYTES, component(component), layer);
    }
}
