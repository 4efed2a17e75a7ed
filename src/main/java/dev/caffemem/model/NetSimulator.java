package dev.caffemem.model;

import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Component;
import dev.caffemem.memory.Side;
import dev.caffemem.memory.Timeline;
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
    private final NetScope scope;
    private final List<SimBlob> blobs = new ArrayList<>();
    private final List<SimBlob> params = new ArrayList<>();
    private final List<LayerRun> runs = new ArrayList<>();
    private final List<LayerBehavior> behaviors = new ArrayList<>();
    private final GpuSettings gpu;
    private final Map<String, List<SimBlob>> trained;
    /** The parameter buffers this net created, for releasing the ones no blob points at any more. */
    private final List<Buffer> ownParamBuffers = new ArrayList<>();

    /**
     * @param testNet the solver's test net this is (0, 1, ...), or -1 for the train (or inference) net
     * @param shared  for a test net: train-net param blobs by layer name, whose data it shares
     *                ({@code Net::ShareTrainedLayersWith}); empty for the train net
     * @param gpu     the device's settings in GPU mode (workspace sizes), null in CPU mode
     */
    public NetSimulator(NetGraph graph, Mode mode, Allocations allocations, int testNet,
                        Map<String, List<SimBlob>> shared, GpuSettings gpu) {
        this(graph, mode, allocations, testNet, shared, gpu, Runtime.DEFAULT);
    }

    /** @param runtime the process around the net (the data files its layers read) */
    public NetSimulator(NetGraph graph, Mode mode, Allocations allocations, int testNet,
                        Map<String, List<SimBlob>> shared, GpuSettings gpu, Runtime runtime) {
        this(graph, mode, allocations, NetScope.of(testNet), shared, gpu, runtime);
    }

    /**
     * A net inside a layer (RecurrentLayer's unrolled net): its blobs, parameters and layer buffers are all
     * that layer's buffers (see {@link NetScope#inner}).
     */
    NetSimulator(NetGraph graph, Mode mode, Allocations allocations, NetScope scope, GpuSettings gpu, Runtime runtime) {
        this(graph, mode, allocations, scope, Map.of(), gpu, runtime);
    }

    private NetSimulator(NetGraph graph, Mode mode, Allocations allocations, NetScope scope,
                         Map<String, List<SimBlob>> shared, GpuSettings gpu, Runtime runtime) {
        this.gpu = gpu;
        this.graph = graph;
        this.mode = mode;
        this.allocations = allocations;
        this.scope = scope;
        this.trained = shared;
        int[] producers = producers(graph);
        for (NetGraph.Blob b : graph.blobs()) {
            int producer = scope.billed(producers[b.id()]);
            long bytes = b.shape().count() * Float.BYTES;
            Buffer data = allocations.create(scope.blob(b.id(), b.name(), BufferKey.Part.DATA), bytes,
                    scope.component(Component.ACTIVATION_DATA), producer);
            Buffer diff = allocations.create(scope.blob(b.id(), b.name(), BufferKey.Part.DIFF), bytes,
                    scope.component(Component.ACTIVATION_DIFF), producer);
            blobs.add(new SimBlob(b.name(), b.shape(), data, diff));
        }
        for (NetGraph.Param p : graph.params()) {
            if (p.owner() >= 0 && (scope.isInner() || recurrent(graph.layers().get(p.layer())))) {
                // an inner net's sharing is settled by its layer (RecurrentBehavior adopts the outer parameters);
                // a recurrent layer's blobs are its inner net's, whose own storage its later timesteps keep
                // (the stale copy RecurrentBehavior models), so its outer sharing is taken from the start
                SimBlob owner = params.get(p.owner());
                params.add(new SimBlob("param" + p.id(), p.shape(), owner.data, owner.diff));
                continue;
            }
            // every layer fills its own parameter blobs in LayerSetUp, shared by name or not; Net::ShareWeights
            // points the others at the owner's only at the end of Net::Init (src/caffe/net.cpp)
            long bytes = p.shape().count() * Float.BYTES;
            Buffer data = allocations.create(scope.param(p.id(), BufferKey.Part.DATA), bytes,
                    scope.component(Component.PARAM_DATA), scope.billed(p.layer()));
            Buffer diff = allocations.create(scope.param(p.id(), BufferKey.Part.DIFF), bytes,
                    scope.component(Component.PARAM_DIFF), scope.billed(p.layer()));
            params.add(new SimBlob("param" + p.id(), p.shape(), data, diff));
            ownParamBuffers.add(data);
            ownParamBuffers.add(diff);
        }
        for (NetGraph.Layer layer : graph.layers()) {
            List<SimBlob> layerParams = new ArrayList<>();
            for (int id : layer.params()) {
                layerParams.add(params.get(id));
            }
            List<SimBlob> trained = shared.get(layer.name());
            if (trained != null) {
                checkShareable(layer, trained, layerParams);
            }
            runs.add(new LayerRun(graph, layer, pick(layer.bottoms()), pick(layer.tops()), layerParams, mode, allocations,
                    scope, runtime));
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

    /**
     * Net::Init: every layer's SetUp, including {@code Layer::SetLossWeights}, each an event of the run, then
     * {@code Net::ShareWeights}: a parameter shared by name drops the copy its layer filled for the owner's.
     */
    public void setUp() {
        Timeline.Stage stage = scope.testNet() >= 0 ? Timeline.Stage.TEST_NET_INIT : Timeline.Stage.NET_INIT;
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
            if (scope.isInner()) {
                continue; // its layer's setup is one event of the outer net
            }
            // a prefetching data layer starts its thread: an arena and a stack of its own (on the host)
            long thread = Engine.prefetching(r.layer().type()) && !r.tops().isEmpty()
                    ? ProcessBaseline.prefetchThread(r.top(0).shape().count(1)) : 0;
            allocations.clock().mark(stage, -1, scope.testNet(), r.layer().name(), thread);
        }
        if (scope.isInner()) {
            return;
        }
        for (NetGraph.Param p : graph.params()) {
            if (p.owner() >= 0) {
                SimBlob owner = params.get(p.owner());
                params.get(p.id()).data = owner.data;
                params.get(p.id()).diff = owner.diff;
            }
        }
        releaseUnreferenced();
    }

    /**
     * {@code Net::ShareTrainedLayersWith}, at a test net's first test pass: every layer named like a train-net
     * layer takes the train net's weights (data only), and the test net's own filled copies are released.
     */
    public void shareTrainedLayers() {
        for (LayerRun r : runs) {
            List<SimBlob> source = trained.get(r.layer().name());
            if (source != null) {
                for (int i = 0; i < source.size(); i++) {
                    r.paramBlobs().get(i).data = source.get(i).data;
                }
            }
        }
        releaseUnreferenced();
    }

    private static boolean recurrent(NetGraph.Layer layer) {
        return layer.type().equals("LSTM") || layer.type().equals("RNN");
    }

    /** Frees the parameter buffers this net made that no parameter blob points at any more. */
    private void releaseUnreferenced() {
        java.util.Set<Buffer> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (SimBlob p : params) {
            live.add(p.data);
            live.add(p.diff);
        }
        for (Buffer b : ownParamBuffers) {
            if (!live.contains(b)) {
                b.free();
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
}
