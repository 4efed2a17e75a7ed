package dev.caffemem.model;

import dev.caffemem.memory.Component;
import dev.caffemem.memory.Side;
import dev.caffemem.memory.BufferKey;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Phase;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a layer's behaviour sees while the simulation runs: its bottoms, tops and parameters as
 * simulated blobs, its backward flags, and a place for its hidden buffers (Blob members, sub-layers).
 */
public final class LayerRun {
    private final NetGraph.Layer layer;
    private final List<SimBlob> bottoms;
    private final List<SimBlob> tops;
    private final List<SimBlob> params;
    private final Mode mode;
    private final Allocations allocations;
    private final Component internalComponent;
    private final NetScope scope;
    private final Runtime runtime;
    private final NetGraph graph;
    private final Map<String, SimBlob> internals = new HashMap<>();
    private final Map<String, Buffer> detached = new HashMap<>();

    LayerRun(NetGraph graph, NetGraph.Layer layer, List<SimBlob> bottoms, List<SimBlob> tops, List<SimBlob> params,
             Mode mode, Allocations allocations, NetScope scope, Runtime runtime) {
        this.graph = graph;
        this.layer = layer;
        this.bottoms = bottoms;
        this.tops = tops;
        this.params = params;
        this.mode = mode;
        this.allocations = allocations;
        this.internalComponent = scope.component(Component.LAYER_BUFFERS);
        this.scope = scope;
        this.runtime = runtime;
    }

    public NetGraph.Layer layer() {
        return layer;
    }

    public Message params(String field) {
        return layer.spec().params(field);
    }

    public Phase phase() {
        return layer.phase();
    }

    /** Touches inside {@code work} go to the host (Caffe's cpu_* accessors), whatever the layer runs on. */
    public void onHost(Runnable work) {
        allocations.placement().on(Side.HOST, work);
    }

    /** Touches inside {@code work} go to the device (gpu_* accessors); in CPU mode this is the host. */
    public void onDevice(Runnable work) {
        allocations.placement().on(mode == Mode.GPU ? Side.DEVICE : Side.HOST, work);
    }

    public boolean gpu() {
        return mode == Mode.GPU;
    }

    public Mode mode() {
        return mode;
    }

    public SimBlob bottom(int i) {
        return bottoms.get(i);
    }

    public List<SimBlob> bottoms() {
        return bottoms;
    }

    public SimBlob top(int i) {
        return tops.get(i);
    }

    public List<SimBlob> tops() {
        return tops;
    }

    public SimBlob param(int i) {
        return params.get(i);
    }

    public List<SimBlob> paramBlobs() {
        return params;
    }

    public boolean propagateDown(int bottom) {
        return layer.bottomNeedBackward().get(bottom);
    }

    public boolean paramPropagateDown(int param) {
        return layer.paramPropagateDown().get(param);
    }

    /** Whether top i is the same blob as bottom i. */
    public boolean inPlace(int i) {
        return layer.inPlace(i);
    }

    public boolean inPlace() {
        return !tops.isEmpty() && !bottoms.isEmpty() && tops.get(0) == bottoms.get(0);
    }

    /**
     * A hidden Blob member of the layer (e.g. {@code col_buffer_}), created on first request with its
     * element count; elements are 4 bytes (float, int and unsigned int alike).
     */
    public SimBlob internal(String name, long count) {
        if (count > Shape.CAFFE_MAX_COUNT) {
            // the member Blob's Reshape CHECK-fails ("blob size exceeds INT_MAX"), e.g. an im2col buffer
            throw fatal("internal buffer " + name + " would have " + count + " elements, over Caffe's limit of INT_MAX = "
                    + Shape.CAFFE_MAX_COUNT + " per blob");
        }
        return internals.computeIfAbsent(name, n -> {
            long bytes = count * Float.BYTES;
            return new SimBlob(n, Shape.of(Math.toIntExact(count)),
                    allocations.create(key(n, BufferKey.Part.DATA), bytes, internalComponent, billedLayer()),
                    allocations.create(key(n, BufferKey.Part.DIFF), bytes, internalComponent, billedLayer()));
        });
    }

    public SimBlob internal(String name, Shape shape) {
        return internal(name, shape.count());
    }

    /** Makes {@code to} use {@code from}'s data storage ({@code Blob::ShareData}). */
    public void shareData(SimBlob to, SimBlob from) {
        to.data = from.data;
    }

    /** Makes {@code to} use {@code from}'s diff storage ({@code Blob::ShareDiff}). */
    public void shareDiff(SimBlob to, SimBlob from) {
        to.diff = from.diff;
    }

    /** Points a blob's data at memory it does not own ({@code Blob::set_cpu_data}). */
    public void setExternalData(SimBlob to, Buffer external) {
        to.data = external;
    }

    /** A buffer no blob of the net holds (prefetch batches, loaded files), touched on creation when asked. */
    public Buffer detached(String name, long count, Component component, boolean touched) {
        Component c = internalComponent == Component.TEST_NET ? Component.TEST_NET : component;
        Buffer b = allocations.create(key(name, BufferKey.Part.WHOLE), count * Float.BYTES, c, billedLayer());
        detached.put(name, b);
        if (touched) {
            b.touch();
        }
        return b;
    }

    /** The key of one of the layer's own buffers, e.g. {@code layer/3/conv1/col_buffer/data}. */
    private BufferKey key(String member, BufferKey.Part part) {
        return scope.member(layer.index(), layer.name(), member, part);
    }

    int internalCount() {
        return internals.size();
    }

    /** A detached buffer made earlier by this layer, by name. */
    Buffer internalDetached(String name) {
        Buffer b = detached.get(name);
        if (b == null) {
            throw new IllegalStateException("no detached buffer " + name + " in layer " + layer.name());
        }
        return b;
    }

    /** Touches (on the current side) every detached buffer whose name starts with {@code prefix}. */
    void touchDetached(String prefix) {
        detached.forEach((name, b) -> {
            if (name.startsWith(prefix)) {
                b.touch();
            }
        });
    }

    /** Touches the data of an internal blob if the layer has one by that name (a multiplier a kernel reads). */
    void touchInternal(String name) {
        SimBlob b = internals.get(name);
        if (b != null) {
            b.touchData();
        }
    }

    /** Caffe would abort (a CHECK or NOT_IMPLEMENTED) if this net ran. */
    public dev.caffemem.net.NetException fatal(String message) {
        return dev.caffemem.net.NetException.at(layer.spec(), message);
    }

    /** The layer's declared loss weight on top i (0 when none). */
    public double lossWeight(int top) {
        return layer.lossWeight(top);
    }

    Allocations allocations() {
        return allocations;
    }

    /** The process around the net: the data files its layers read. */
    Runtime runtime() {
        return runtime;
    }

    /** How the net this layer is in names and bills its buffers. */
    NetScope scope() {
        return scope;
    }

    /** The component the layer's own buffers are billed to (layer buffers, or the test net's). */
    Component internalComponent() {
        return internalComponent;
    }

    /** The layer its buffers are billed to: itself, or the layer whose inner net it is in. */
    int billedLayer() {
        return scope.billed(layer.index());
    }

    /** The net the layer is in. */
    NetGraph graph() {
        return graph;
    }
}
