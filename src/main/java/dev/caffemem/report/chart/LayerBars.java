package dev.caffemem.report.chart;

import dev.caffemem.memory.Component;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.LayerBill;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The bars of the per-layer chart: the heaviest layers one by one, the others as one bar, then what belongs to
 * no layer of the train net (the test nets, and the C++ objects and malloc rounding around everything). The
 * bars add up to the estimate's breakdown, component by component, so the chart hides nothing; a net of 152
 * layers stays legible because only the heaviest are drawn one by one.
 */
public final class LayerBars {
    /** Layers drawn one by one; a net with at most one more is drawn whole (a "rest" of one layer helps no one). */
    public static final int HEAVIEST = 20;

    /**
     * One bar.
     *
     * @param label  what the axis says: the layer's name and type, or what the bar gathers
     * @param bytes  by component, only those above zero
     * @param layers how many layers of the train net it holds (0 for what is outside them)
     */
    public record Bar(String label, Map<Component, Long> bytes, int layers) {
        public long totalBytes() {
            return bytes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private LayerBars() {
    }

    /** The bars, heaviest layer first. */
    public static List<Bar> of(Estimate e) {
        return of(e, HEAVIEST);
    }

    static List<Bar> of(Estimate e, int heaviest) {
        List<LayerBill> byWeight = new ArrayList<>(e.layers());
        byWeight.sort(Comparator.comparingLong(LayerBill::totalBytes).reversed());
        int shown = byWeight.size() <= heaviest + 1 ? byWeight.size() : heaviest;
        List<Bar> bars = new ArrayList<>();
        for (LayerBill l : byWeight.subList(0, shown)) {
            bars.add(new Bar(l.name() + " (" + l.type() + ")", positive(l.components()), 1));
        }
        List<LayerBill> others = byWeight.subList(shown, byWeight.size());
        if (!others.isEmpty()) {
            bars.add(new Bar("the other " + others.size() + " layers", sum(others), others.size()));
        }
        Map<Component, Long> outside = outsideLayers(e);
        Long tests = outside.remove(Component.TEST_NET);
        if (tests != null) {
            bars.add(new Bar(e.testNets().size() == 1 ? "test net" : e.testNets().size() + " test nets",
                    Map.of(Component.TEST_NET, tests), 0));
        }
        if (!outside.isEmpty()) {
            bars.add(new Bar("outside the layers", outside, 0));
        }
        return bars;
    }

    /** What the breakdown holds beyond the train net's layers, by component (positive parts only). */
    private static Map<Component, Long> outsideLayers(Estimate e) {
        Map<Component, Long> inLayers = sum(e.layers());
        Map<Component, Long> out = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            long rest = e.breakdown().bytes(c) - inLayers.getOrDefault(c, 0L);
            if (rest > 0) {
                out.put(c, rest);
            }
        }
        return out;
    }

    private static Map<Component, Long> sum(List<LayerBill> layers) {
        Map<Component, Long> out = new EnumMap<>(Component.class);
        for (LayerBill l : layers) {
            l.components().forEach((c, b) -> out.merge(c, b, Long::sum));
        }
        return positive(out);
    }

    private static Map<Component, Long> positive(Map<Component, Long> bytes) {
        Map<Component, Long> out = new EnumMap<>(Component.class);
        bytes.forEach((c, b) -> {
            if (b > 0) {
                out.put(c, b);
            }
        });
        return out;
    }
}
