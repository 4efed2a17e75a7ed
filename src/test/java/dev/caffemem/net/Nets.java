package dev.caffemem.net;

import dev.caffemem.shape.LayerKinds;
import java.util.List;

/** Builds graphs from prototxt text in tests. */
public final class Nets {
    private Nets() {
    }

    public static NetGraph graph(String prototxt, Phase phase) {
        return graph(prototxt, phase, ShapeOverrides.NONE);
    }

    public static NetGraph graph(String prototxt, Phase phase, ShapeOverrides overrides) {
        return NetGraph.build(NetSpec.of(NetSpec.parse(prototxt, "test.prototxt"), NetState.of(phase)),
                new LayerKinds(overrides), overrides);
    }

    public static List<String> blobNames(NetGraph g) {
        return g.blobs().stream().map(NetGraph.Blob::name).toList();
    }

    public static NetGraph.Layer layer(NetGraph g, String name) {
        return g.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }
}
