package dev.caffemem.model;

import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Component;

/**
 * How one simulated net names and bills its buffers: a net of its own (the train net, a test net, an inference
 * net), or a net inside a layer (RecurrentLayer's unrolled net), whose blobs, parameters and layer buffers are all
 * that layer's buffers.
 *
 * @param testNet        the solver's test net, or -1
 * @param ownerLayer     for an inner net, the outer layer's index; -1 for a net of its own
 * @param ownerName      for an inner net, the outer layer's name
 * @param fixedComponent for an inner net, the component every buffer of it is billed to
 */
record NetScope(int testNet, int ownerLayer, String ownerName, Component fixedComponent) {

    static NetScope of(int testNet) {
        return new NetScope(testNet, -1, null, null);
    }

    /** The scope of a net inside layer {@code index} of this one, billed to {@code component}. */
    NetScope inner(int index, String name, Component component) {
        return new NetScope(testNet, index, name, component);
    }

    boolean isInner() {
        return ownerLayer >= 0;
    }

    BufferKey blob(int id, String name, BufferKey.Part part) {
        return isInner() ? BufferKey.layer(testNet, ownerLayer, ownerName, "unrolled/blob/" + id + "/" + name, part)
                : BufferKey.blob(testNet, id, name, part);
    }

    BufferKey param(int id, BufferKey.Part part) {
        return isInner() ? BufferKey.layer(testNet, ownerLayer, ownerName, "unrolled/param/" + id, part)
                : BufferKey.param(testNet, id, part);
    }

    /** One of a layer's own buffers ({@code col_buffer}, {@code prefetch0/data}). */
    BufferKey member(int layer, String layerName, String member, BufferKey.Part part) {
        return isInner()
                ? BufferKey.layer(testNet, ownerLayer, ownerName, "unrolled/layer/" + layer + "/" + layerName + "/" + member,
                        part)
                : BufferKey.layer(testNet, layer, layerName, member, part);
    }

    /** The layer a buffer of layer {@code layer} is billed to (the outer layer, for an inner net). */
    int billed(int layer) {
        return isInner() ? ownerLayer : layer;
    }

    /** The component a buffer of kind {@code c} is billed to. */
    Component component(Component c) {
        return fixedComponent != null ? fixedComponent : testNet >= 0 ? Component.TEST_NET : c;
    }
}
