package dev.caffemem.report.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.memory.Component;
import dev.caffemem.metrics.Requests;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.model.Mode;
import dev.caffemem.model.SolverSettings;
import dev.caffemem.net.NetSpec;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Schema;
import dev.caffemem.prototxt.TextFormat;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-layer chart's bars hide nothing: they add up to the bill, component by component, on any net. */
class LayerBarsTest {

    private static Estimate resNet152() {
        var solver = TextFormat.parse(Path.of("examples/resnet152/solver.prototxt"),
                Schema.caffe().message("SolverParameter"));
        return Estimator.estimate(new EstimateRequest(NetSpec.read(Path.of("examples/resnet152/train_val.prototxt")),
                Phase.TRAIN, Mode.CPU, SolverSettings.of(solver), ShapeOverrides.NONE, ShapeOverrides.NONE, f -> {
                    throw new IllegalStateException("no test_net file here: " + f);
                }, List.of()));
    }

    private static void assertAddsUp(Estimate e, List<LayerBars.Bar> bars) {
        Map<Component, Long> sum = new EnumMap<>(Component.class);
        bars.forEach(b -> b.bytes().forEach((c, v) -> sum.merge(c, v, Long::sum)));
        for (Component c : Component.values()) {
            assertThat(sum.getOrDefault(c, 0L)).as(c.label()).isEqualTo(e.breakdown().bytes(c));
        }
        assertThat(bars.stream().mapToLong(LayerBars.Bar::totalBytes).sum()).isEqualTo(e.totalBytes());
        assertThat(bars.stream().mapToInt(LayerBars.Bar::layers).sum()).isEqualTo(e.layers().size());
    }

    @Test
    void theSeedsFourLayersAreDrawnOneByOneThenTheTestNetAndTheRest() {
        Estimate e = Estimator.estimate(Requests.seed());
        List<LayerBars.Bar> bars = LayerBars.of(e);
        assertThat(bars).extracting(LayerBars.Bar::label).containsExactly("Layer3 (InnerProduct)",
                "Layer2 (Convolution)", "Layer1 (ImageData)", "loss (SoftmaxWithLoss)", "test net",
                "outside the layers");
        assertThat(bars.get(4).bytes()).containsOnlyKeys(Component.TEST_NET);
        assertAddsUp(e, bars);
    }

    @Test
    void aRestOfOneLayerIsNotWorthItsOwnBar() {
        Estimate e = Estimator.estimate(Requests.seed());
        assertThat(LayerBars.of(e, 3)).extracting(LayerBars.Bar::layers).containsExactly(1, 1, 1, 1, 0, 0);
        List<LayerBars.Bar> two = LayerBars.of(e, 2);
        assertThat(two.get(2).label()).isEqualTo("the other 2 layers");
        assertThat(two.get(2).layers()).isEqualTo(2);
        assertAddsUp(e, two);
    }

    @Test
    void resNet152ShowsItsTwentyHeaviestLayersAndGathersTheOthers() {
        Estimate e = resNet152();
        List<LayerBars.Bar> bars = LayerBars.of(e);
        assertThat(bars).hasSize(LayerBars.HEAVIEST + 3);
        assertThat(bars.get(LayerBars.HEAVIEST).label()).isEqualTo("the other " + (e.layers().size() - LayerBars.HEAVIEST)
                + " layers");
        for (int i = 1; i < LayerBars.HEAVIEST; i++) {
            assertThat(bars.get(i).totalBytes()).as("heaviest first").isLessThanOrEqualTo(bars.get(i - 1).totalBytes());
        }
        long lightestShown = bars.get(LayerBars.HEAVIEST - 1).totalBytes();
        e.layers().stream().filter(l -> l.totalBytes() > lightestShown).forEach(l ->
                assertThat(bars).as("layer " + l.name()).anyMatch(b -> b.label().startsWith(l.name() + " (")));
        assertAddsUp(e, bars);
    }
}
