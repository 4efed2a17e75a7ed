package dev.caffemem.net;

import java.util.List;

/** What a layer's SetUp decides: the shape of each top and of each learnable (param) blob. */
public record LayerShapes(List<Shape> tops, List<Shape> params) {

    public LayerShapes {
        tops = List.copyOf(tops);
        params = List.copyOf(params);
    }

    public static LayerShapes of(List<Shape> tops) {
        return new LayerShapes(tops, List.of());
    }
}
