package dev.caffemem.model;

import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Phase;
import dev.caffemem.net.Shape;
import dev.caffemem.shape.UnrolledNet;
import java.util.ArrayList;
import java.util.List;

/**
 * LSTM and RNN (src/caffe/layers/recurrent_layer.cpp): the layer runs its unrolled net, a Net of its own
 * whose blobs, parameter Blob shells and layer buffers are all this layer's buffers. That net's unshared
 * parameters are the layer's parameters; x (data and diff), cont (data) and the static input share the
 * layer's bottoms, the output shares the top (data and diff), and with expose_hidden the hidden state
 * at t = 0 shares the bottoms' data and the state at t = T is the tops' data.
 *
 * <p>Caffe points the outer blobs at the inner ones; here the inner blobs take the outer blobs' buffers
 * instead. Either way one buffer exists, and it is the one Caffe's blob census finds under the outer name.
 */
final class RecurrentBehavior implements LayerBehavior {
    private NetSimulator unrolled;
    private int lastLayer;

    @Override
    public void setUp(LayerRun r) {
        List<Shape> bottoms = new ArrayList<>();
        r.bottoms().forEach(b -> bottoms.add(b.shape()));
        NetGraph graph = UnrolledNet.graph(r.layer().spec(), bottoms);
        unrolled = new NetSimulator(graph, r.mode(), r.allocations(),
                r.scope().inner(r.billedLayer(), r.layer().name(), r.internalComponent()), null, r.runtime());
        // in TRAIN, a parameter the outer net shares by name is re-pointed for the layer's own Blob only; the
        // unrolled net's later timesteps keep the storage they shared at its Init (only a TEST Forward re-shares)
        List<NetGraph.Param> outerParams = new ArrayList<>();
        r.layer().params().forEach(id -> outerParams.add(r.graph().param(id)));
        unrolled.adoptParams(r.paramBlobs(), k -> r.phase() == Phase.TEST || outerParams.get(k).learnable());
        lastLayer = graph.layers().size() - 2;
        share(r);
        unrolled.setUp();
        // we can't backpropagate across batches: the diffs of the state at t = T are zeroed once
        for (String name : UnrolledNet.recurrentOutputs(r.layer().type(), timesteps(r))) {
            unrolled.blob(name).touchDiff();
        }
    }

    @Override
    public void forward(LayerRun r) {
        share(r);
        if (!exposeHidden(r)) {
            // the state at t = T of the last pass is the state at t = 0 of this one
            List<String> in = UnrolledNet.recurrentInputs(r.layer().type());
            List<String> out = UnrolledNet.recurrentOutputs(r.layer().type(), timesteps(r));
            for (int i = 0; i < in.size(); i++) {
                if (!splitTop(out.get(i))) {
                    // LSTM's c_T is a Split top: the buffer this read allocates dies when the Split's
                    // Forward shares its bottom's data, so it costs nothing lasting
                    unrolled.blob(out.get(i)).touchData();
                }
                unrolled.blob(in.get(i)).touchData();
            }
        }
        // ForwardTo(last_layer_index_): the pseudo-losses at the end do not run
        unrolled.forwardTo(lastLayer);
    }

    @Override
    public void backward(LayerRun r) {
        if (r.propagateDown(1)) {
            throw r.fatal("Cannot backpropagate to sequence indicators. (bottom 1, cont, would get a gradient;"
                    + " Caffe aborts)");
        }
        unrolled.backwardFrom(lastLayer);
    }

    /**
     * RecurrentLayer::Reshape, which runs before every Forward, and the end of Forward_cpu: the inner inputs
     * and outputs share the outer blobs. Inside the unrolled net an output may itself share its storage
     * with another blob (the Concat of a single timestep shares h_1's, the Split c_T shares c_T's bottom's
     * data): the outer buffer goes to where the storage really is, before the inner layers share it on.
     */
    private void share(LayerRun r) {
        String type = r.layer().type();
        origin("x", true).data = r.bottom(0).data;
        origin("x", false).diff = r.bottom(0).diff;
        origin("cont", true).data = r.bottom(1).data;
        int exposed = exposeHidden(r) ? UnrolledNet.recurrentInputs(type).size() : 0;
        boolean staticInput = r.bottoms().size() > 2 + exposed;
        if (staticInput) {
            origin("x_static", true).data = r.bottom(2).data;
            origin("x_static", false).diff = r.bottom(2).diff;
        }
        SimBlob output = origin(UnrolledNet.output(type), true);
        output.data = r.top(0).data;
        origin(UnrolledNet.output(type), false).diff = r.top(0).diff;
        List<String> in = UnrolledNet.recurrentInputs(type);
        List<String> out = UnrolledNet.recurrentOutputs(type, timesteps(r));
        for (int j = 0; j < exposed; j++) {
            origin(in.get(j), true).data = r.bottom(2 + (staticInput ? 1 : 0) + j).data;
            SimBlob state = origin(out.get(j), true);
            if (state == output) {
                // a single timestep: the state at t = T is the output itself, which the top already shares
                r.shareData(r.top(1 + j), output);
            } else {
                state.data = r.top(1 + j).data;
            }
        }
    }

    /**
     * The inner blob whose storage a blob's data (or diff) is: a Split top's data is its bottom's, a
     * single-bottom Concat's or single-top Slice's data and diff are their bottom's.
     */
    private SimBlob origin(String blob, boolean data) {
        NetGraph g = unrolled.graph();
        for (NetGraph.Layer l : g.layers()) {
            for (int top : l.tops()) {
                if (!g.blob(top).name().equals(blob) || l.inPlace(l.tops().indexOf(top))) {
                    continue;
                }
                boolean passes = l.type().equals("Split") ? data
                        : l.type().equals("Concat") && l.bottoms().size() == 1 || l.type().equals("Slice") && l.tops().size() == 1;
                return passes ? origin(g.blob(l.bottoms().get(0)).name(), data) : unrolled.blob(blob);
            }
        }
        return unrolled.blob(blob);
    }

    private boolean splitTop(String blob) {
        for (NetGraph.Layer l : unrolled.graph().layers()) {
            if (l.type().equals("Split") && l.tops().stream().anyMatch(t -> unrolled.graph().blob(t).name().equals(blob))) {
                return true;
            }
        }
        return false;
    }

    private static boolean exposeHidden(LayerRun r) {
        return r.params("recurrent_param").getBool("expose_hidden");
    }

    private static int timesteps(LayerRun r) {
        return r.bottom(0).shape().dim(0);
    }

    /** The unrolled net, for the bookkeeping of its objects. */
    NetSimulator unrolled() {
        return unrolled;
    }
}
