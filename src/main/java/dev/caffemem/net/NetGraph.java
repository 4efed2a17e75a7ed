package dev.caffemem.net;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import dev.caffemem.prototxt.Message;

/**
 * A net wired and shaped the way {@code Net<Dtype>::Init} (src/caffe/net.cpp) does it: blobs created
 * by name, in-place tops reusing their bottom blob, anonymous automatic tops, parameters appended
 * and shared by name, and the backward flags Caffe derives (lr_mult, loss contribution,
 * propagate_down, force_backward).
 */
public final class NetGraph {

    /** A blob of the net ({@code blobs_}); shape as set up by its last writer. */
    public record Blob(int id, String name, Shape shape) {
    }

    /**
     * A parameter blob ({@code params_}).
     *
     * @param owner the net param id it shares storage with, or -1 when it owns its storage (a learnable param)
     */
    public record Param(int id, int layer, int index, Shape shape, String name, int owner, double lrMult) {
        public boolean learnable() {
            return owner < 0;
        }
    }

    /** One layer with its resolved blobs and Caffe's backward decisions. */
    public record Layer(int index, LayerSpec spec, LayerKind kind, Phase phase, List<Integer> bottoms,
                        List<Integer> tops, List<Shape> topShapes, List<Integer> params,
                        List<Boolean> bottomNeedBackward, boolean needBackward,
                        List<Boolean> paramPropagateDown, List<Double> lossWeights) {

        public String name() {
            return spec.name();
        }

        public String type() {
            return spec.type();
        }

        public boolean inPlace(int top) {
            return top < bottoms.size() && bottoms.get(top).equals(tops.get(top));
        }

        public double lossWeight(int top) {
            return top < lossWeights.size() ? lossWeights.get(top) : 0;
        }
    }

    private final NetSpec spec;
    private final List<Blob> blobs;
    private final List<Layer> layers;
    private final List<Param> params;
    private final long memoryRequiredForData;

    private NetGraph(NetSpec spec, List<Blob> blobs, List<Layer> layers, List<Param> params, long memory) {
        this.spec = spec;
        this.blobs = Collections.unmodifiableList(blobs);
        this.layers = Collections.unmodifiableList(layers);
        this.params = Collections.unmodifiableList(params);
        this.memoryRequiredForData = memory;
    }

    public NetSpec spec() {
        return spec;
    }

    public List<Blob> blobs() {
        return blobs;
    }

    public Blob blob(int id) {
        return blobs.get(id);
    }

    public List<Layer> layers() {
        return layers;
    }

    public List<Param> params() {
        return params;
    }

    public Param param(int id) {
        return params.get(id);
    }

    /** Caffe's "Memory required for data" log figure, in bytes (float): 4 x the sum of every layer's top counts. */
    public long caffeLogBytes() {
        return memoryRequiredForData * Float.BYTES;
    }

    /** Wires and shapes a net; {@code kinds} returns null for a type it does not know. */
    public static NetGraph build(NetSpec spec, Function<LayerSpec, LayerKind> kinds, ShapeOverrides overrides) {
        return new Builder(spec, kinds, overrides).build();
    }

    private static final class Builder {
        private final NetSpec spec;
        private final Function<LayerSpec, LayerKind> kinds;
        private final ShapeOverrides overrides;
        private final List<Blob> blobs = new ArrayList<>();
        private final List<Boolean> blobNeedBackward = new ArrayList<>();
        private final Map<String, Integer> blobByName = new HashMap<>();
        private final Set<String> available = new HashSet<>();
        private final List<Param> params = new ArrayList<>();
        private final Map<String, Integer> paramByName = new HashMap<>();
        private final List<LayerDraft> drafts = new ArrayList<>();
        private long memory;

        Builder(NetSpec spec, Function<LayerSpec, LayerKind> kinds, ShapeOverrides overrides) {
            this.spec = spec;
            this.kinds = kinds;
            this.overrides = overrides;
        }

        /** Mutable per-layer state while Init runs. */
        private static final class LayerDraft {
            LayerSpec spec;
            LayerKind kind;
            Phase phase;
            final List<Integer> bottoms = new ArrayList<>();
            final List<Integer> tops = new ArrayList<>();
            List<Shape> topShapes;
            final List<Integer> params = new ArrayList<>();
            final List<Boolean> bottomNeedBackward = new ArrayList<>();
            final List<Boolean> paramPropagateDown = new ArrayList<>();
            List<Double> lossWeights = List.of();
            boolean needBackward;
        }

        NetGraph build() {
            for (LayerSpec layer : spec.layers()) {
                appendLayer(layer);
            }
            pruneBackward();
            if (spec.forceBackward()) {
                forceBackward();
            }
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < drafts.size(); i++) {
                LayerDraft d = drafts.get(i);
                layers.add(new Layer(i, d.spec, d.kind, d.phase, List.copyOf(d.bottoms), List.copyOf(d.tops),
                        List.copyOf(d.topShapes), List.copyOf(d.params), List.copyOf(d.bottomNeedBackward),
                        d.needBackward, List.copyOf(d.paramPropagateDown), List.copyOf(d.lossWeights)));
            }
            return new NetGraph(spec, blobs, layers, params, memory);
        }

        private void appendLayer(LayerSpec layer) {
            LayerKind kind = kinds.apply(layer);
            if (kind == null) {
                throw NetException.at(layer, "unknown layer type \"" + layer.type()
                        + "\"; declare its top shapes with --top-shape " + String.join(",", layer.tops().isEmpty()
                        ? List.of("TOP") : layer.tops()).replace(",", "=DIMS --top-shape ") + "=DIMS (N stands for the batch)");
            }
            LayerDraft d = new LayerDraft();
            d.spec = layer;
            d.kind = kind;
            d.phase = spec.phaseOf(layer);
            int layerId = drafts.size();
            drafts.add(d);

            List<Boolean> propagateDown = layer.param().getBools("propagate_down");
            if (!propagateDown.isEmpty() && propagateDown.size() != layer.bottoms().size()) {
                throw NetException.at(layer, "propagate_down must be specified for every bottom or for none ("
                        + layer.bottoms().size() + " bottoms, " + propagateDown.size() + " propagate_down values)");
            }
            boolean needBackward = false;
            List<Shape> bottomShapes = new ArrayList<>();
            for (int j = 0; j < layer.bottoms().size(); j++) {
                String name = layer.bottoms().get(j);
                if (!available.contains(name)) {
                    throw new NetException(layer.param().pos("bottom", j), layer.describe() + ": unknown bottom blob \""
                            + name + "\" (bottom index " + j + ")");
                }
                int id = blobByName.get(name);
                Shape shape = blobs.get(id).shape();
                if (shape.count() == 0) {
                    // Blob::Reshape leaves an empty blob without storage, and the first cpu_data() on it
                    // fails CHECK(data_): Caffe aborts at this layer's setup or first Forward.
                    throw new NetException(layer.param().pos("bottom", j), layer.describe() + ": bottom blob \""
                            + name + "\" has no elements (shape " + shape.dimsString() + "); Caffe aborts on an empty blob");
                }
                d.bottoms.add(id);
                d.bottomNeedBackward.add(propagateDown.isEmpty() ? blobNeedBackward.get(id) : propagateDown.get(j));
                available.remove(name);
                bottomShapes.add(blobs.get(id).shape());
                needBackward |= blobNeedBackward.get(id);
            }

            BlobCounts counts = kind.counts(layer);
            int numTop = layer.tops().size();
            int needed = counts.autoTop() ? Math.max(counts.minTop(), 0) : 0;
            int topCount = Math.max(numTop, needed);
            String bad = counts.check(layer.bottoms().size(), topCount);
            if (bad != null) {
                throw NetException.at(layer, bad);
            }

            LayerShapes shapes;
            try {
                shapes = kind.setUp(new SetupContext(layer, bottomShapes, topCount, d.phase, overrides));
            } catch (LayerSetupException e) {
                throw NetException.at(layer, e.getMessage());
            } catch (ArithmeticException e) {
                if (e.getMessage() == null || !e.getMessage().contains("overflow")) {
                    throw e; // a division by zero is a bug in the rule, not the user's layer
                }
                // Math.*Exact in a shape rule: a size that Caffe's int arithmetic cannot hold either
                throw NetException.at(layer, "a dimension or count overflows a 32-bit int ("
                        + e.getMessage() + "); Caffe's sizes are ints");
            }
            d.topShapes = shapes.tops();
            for (int j = 0; j < topCount; j++) {
                Shape shape = shapes.tops().get(j);
                checkShape(layer, j < numTop ? "top \"" + layer.tops().get(j) + "\"" : "automatic top " + j, shape);
                d.tops.add(appendTop(layer, j, shape));
                memory += shape.count();
            }
            d.lossWeights = lossWeights(layer, kind, topCount);

            List<Message> specs = layer.paramSpecs();
            if (specs.size() > shapes.params().size()) {
                throw NetException.at(layer, "too many param specs: " + specs.size() + " given, the layer has "
                        + shapes.params().size() + " parameter blob" + (shapes.params().size() == 1 ? "" : "s"));
            }
            for (int p = 0; p < shapes.params().size(); p++) {
                double lrMult = p < specs.size() ? specs.get(p).getDouble("lr_mult") : 1.0;
                boolean propagate = lrMult != 0;
                needBackward |= propagate;
                d.paramPropagateDown.add(propagate);
            }
            for (int p = 0; p < shapes.params().size(); p++) {
                checkShape(layer, "parameter " + p, shapes.params().get(p));
                d.params.add(appendParam(layer, layerId, p, shapes.params().get(p), p < specs.size() ? specs.get(p) : null));
            }
            d.needBackward = needBackward;
            if (needBackward) {
                for (int top : d.tops) {
                    blobNeedBackward.set(top, true);
                }
            }
        }

        private int appendTop(LayerSpec layer, int j, Shape shape) {
            if (j >= layer.tops().size()) {
                // anonymous top: not usable as anybody's bottom
                return newBlob("(automatic)", shape);
            }
            String name = layer.tops().get(j);
            if (j < layer.bottoms().size() && name.equals(layer.bottoms().get(j))) {
                int id = blobByName.get(name);
                Shape before = blobs.get(id).shape();
                if (before.count() != shape.count()) {
                    throw NetException.at(layer, "in-place top \"" + name + "\" changes the blob's count from "
                            + before.count() + " to " + shape.count());
                }
                blobs.set(id, new Blob(id, name, shape));
                available.add(name);
                return id;
            }
            if (blobByName.containsKey(name)) {
                throw new NetException(layer.param().pos("top", j), layer.describe() + ": top blob \"" + name
                        + "\" produced by multiple sources");
            }
            int id = newBlob(name, shape);
            blobByName.put(name, id);
            available.add(name);
            return id;
        }

        private int newBlob(String name, Shape shape) {
            int id = blobs.size();
            blobs.add(new Blob(id, name, shape));
            blobNeedBackward.add(false);
            return id;
        }

        private static void checkShape(LayerSpec layer, String what, Shape shape) {
            if (shape.axes() > Shape.CAFFE_MAX_AXES) {
                throw NetException.at(layer, what + " has " + shape.axes() + " axes, over Caffe's limit of kMaxBlobAxes = "
                        + Shape.CAFFE_MAX_AXES);
            }
            for (int d : shape.dims()) {
                if (d < 0) {
                    throw NetException.at(layer, what + " would have a negative dimension: " + shape.dimsString());
                }
            }
            if (shape.count() > Shape.CAFFE_MAX_COUNT) {
                // Shape.count saturates at Long.MAX_VALUE: that figure is a bound, not the count
                String count = shape.count() == Long.MAX_VALUE ? "more than 2^63" : Long.toString(shape.count());
                throw NetException.at(layer, what + " has " + count + " elements (" + shape.dimsString()
                        + "), over Caffe's limit of INT_MAX = " + Shape.CAFFE_MAX_COUNT + " per blob");
            }
        }

        /** {@code Layer::SetLossWeights}, with LossLayer's default weight 1 on the first top. */
        private static List<Double> lossWeights(LayerSpec layer, LayerKind kind, int topCount) {
            List<Double> weights = layer.lossWeights();
            if (weights.isEmpty() && kind.isLoss()) {
                weights = List.of(1.0);
            }
            if (!weights.isEmpty() && weights.size() != topCount) {
                throw NetException.at(layer, "loss_weight must be unspecified or specified once per top blob ("
                        + topCount + " tops, " + weights.size() + " loss weights)");
            }
            return weights;
        }

        /** {@code Net::AppendParam}: the first blob with a given name owns it; later ones share it. */
        private int appendParam(LayerSpec layer, int layerId, int index, Shape shape, Message paramSpec) {
            int id = params.size();
            String name = paramSpec == null ? "" : paramSpec.getString("name");
            double lr = paramSpec == null ? 1.0 : paramSpec.getDouble("lr_mult");
            Integer owner = name.isEmpty() ? null : paramByName.get(name);
            if (owner == null) {
                if (!name.isEmpty()) {
                    paramByName.put(name, id);
                }
                params.add(new Param(id, layerId, index, shape, name, -1, lr));
                return id;
            }
            Param ownerParam = params.get(owner);
            boolean permissive = paramSpec.has("share_mode") && paramSpec.getEnum("share_mode").equals("PERMISSIVE");
            if (permissive ? ownerParam.shape().count() != shape.count() : !ownerParam.shape().equals(shape)) {
                throw NetException.at(layer, "cannot share param \"" + name + "\": shape " + shape.dimsString()
                        + " differs from the owner's " + ownerParam.shape().dimsString()
                        + (permissive ? "" : " (set share_mode: PERMISSIVE to compare counts only)"));
            }
            params.add(new Param(id, layerId, index, shape, name, owner, lr));
            return id;
        }

        /** Net::Init's backward pass over the layers: drop backward where nothing reaches a loss. */
        private void pruneBackward() {
            Set<String> underLoss = new HashSet<>();
            Set<String> skipBackprop = new HashSet<>();
            for (int i = drafts.size() - 1; i >= 0; i--) {
                LayerDraft d = drafts.get(i);
                boolean contributesLoss = false;
                boolean skipPropagateDown = true;
                for (int j = 0; j < d.tops.size(); j++) {
                    String name = blobs.get(d.tops.get(j)).name();
                    if ((j < d.lossWeights.size() && d.lossWeights.get(j) != 0) || underLoss.contains(name)) {
                        contributesLoss = true;
                    }
                    if (!skipBackprop.contains(name)) {
                        skipPropagateDown = false;
                    }
                    if (contributesLoss && !skipPropagateDown) {
                        break;
                    }
                }
                if (d.needBackward && skipPropagateDown) {
                    d.needBackward = false;
                    Collections.fill(d.bottomNeedBackward, false);
                }
                if (!contributesLoss) {
                    d.needBackward = false;
                }
                for (int j = 0; j < d.bottoms.size(); j++) {
                    String name = blobs.get(d.bottoms.get(j)).name();
                    if (contributesLoss) {
                        underLoss.add(name);
                    } else {
                        d.bottomNeedBackward.set(j, false);
                    }
                    if (!d.bottomNeedBackward.get(j)) {
                        skipBackprop.add(name);
                    }
                }
            }
        }

        private void forceBackward() {
            for (LayerDraft d : drafts) {
                d.needBackward = true;
                for (int j = 0; j < d.bottoms.size(); j++) {
                    boolean need = d.bottomNeedBackward.get(j) || d.kind.allowForceBackward(j);
                    d.bottomNeedBackward.set(j, need);
                    int blob = d.bottoms.get(j);
                    blobNeedBackward.set(blob, blobNeedBackward.get(blob) || need);
                }
                Collections.fill(d.paramPropagateDown, true);
            }
        }
    }
}
