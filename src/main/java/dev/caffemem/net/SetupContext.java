package dev.caffemem.net;

import java.util.List;

/**
 * Everything a layer's shape rule may look at: the layer, its bottom shapes, how many tops it has
 * (after automatic tops), its phase, and the user's shape overrides.
 */
public record SetupContext(LayerSpec layer, List<Shape> bottoms, int topCount, Phase phase, ShapeOverrides overrides) {

    public Shape bottom(int i) {
        return bottoms.get(i);
    }

    public String top(int i) {
        return i < layer.tops().size() ? layer.tops().get(i) : "(automatic)";
    }

    /** What Caffe would refuse about this layer, to {@code throw}: NetGraph names the layer. */
    public LayerSetupException error(String message) {
        return new LayerSetupException(message);
    }
}
