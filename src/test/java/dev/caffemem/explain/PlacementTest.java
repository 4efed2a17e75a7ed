package dev.caffemem.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.memory.Timeline;
import dev.caffemem.memory.Timeline.Stage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real finished log of mnist_autoencoder cut after one line or another, as a run that died there would have left
 * it: each cut lands on the timeline event that Caffe's code runs after that line.
 */
class PlacementTest {
    private static List<String> lines;
    private static Timeline timeline;
    private static long maxIter;

    @BeforeAll
    static void explainTheWholeLog() {
        String text = Fixtures.text(Fixtures.log(Fixtures.FINISHED));
        lines = text.lines().toList();
        Explanation x = Explainer.explain(LogParser.parse(text, "finished"), input());
        timeline = x.estimate().peak().timeline();
        maxIter = x.setup().request().solver().schedule().maxIter();
        assertThat(maxIter).isEqualTo(4);
    }

    static ExplainInput input() {
        return new ExplainInput(Fixtures.log(Fixtures.FINISHED), null, null, null, 1, null, Map.of(), Map.of());
    }

    @Test
    void aLayersCreationLineEndsInItsSetupAndItsLastShapeLineInTheNextLayers() {
        Placement p = cutAfter("Creating Layer encode1", 1);
        assertThat(event(p)).extracting(Timeline.Event::stage, Timeline.Event::subject)
                .containsExactly(Stage.NET_INIT, "encode1");
        assertThat(p.exact()).isTrue();
        p = cutAfter("Memory required for data: 2281600", 1);
        assertThat(event(p)).extracting(Timeline.Event::stage, Timeline.Event::subject)
                .containsExactly(Stage.NET_INIT, "encode1neuron");
    }

    @Test
    void aTestNetsLayerIsThatTestNetsInit() {
        Placement p = cutAfter("Creating Layer encode1", 3);
        assertThat(event(p)).extracting(Timeline.Event::stage, Timeline.Event::testNet, Timeline.Event::subject)
                .containsExactly(Stage.TEST_NET_INIT, 1, "encode1");
        p = cutAfter("Network initialization done.", 1);
        assertThat(event(p)).extracting(Timeline.Event::stage, Timeline.Event::testNet, Timeline.Event::subject)
                .containsExactly(Stage.TEST_NET_INIT, 0, "data");
    }

    @Test
    void theSolversLinesPlaceTheClearingTestsForwardBackwardAndUpdate() {
        assertThat(event(cutAfter("Learning Rate Policy", 1)).stage()).isEqualTo(Stage.CLEAR_DIFFS);
        Placement test = cutAfter("Iteration 0, Testing net (#1)", 1);
        assertThat(event(test)).extracting(Timeline.Event::stage, Timeline.Event::testNet)
                .containsExactly(Stage.TEST_PASS, 1);
        // after test net 1's outputs Caffe prints nothing until the display line, after the backward pass
        Placement between = cutAfter("Test net output #1", 2);
        assertThat(between.exact()).isFalse();
        assertThat(between.candidates()).extracting(i -> timeline.events().get(i).stage())
                .containsExactly(Stage.FORWARD, Stage.BACKWARD);
        Placement update = cutAfter("Iteration 0 (", 1);
        assertThat(event(update)).extracting(Timeline.Event::stage, Timeline.Event::iteration)
                .containsExactly(Stage.UPDATE, 0);
        assertThat(update.repeat()).isFalse();
        Placement later = cutAfter("Iteration 1, lr = ", 1);
        assertThat(event(later).stage()).isEqualTo(Stage.UPDATE);
        assertThat(later.repeat()).isTrue();
        assertThat(later.iteration()).isEqualTo(1);
    }

    @Test
    void snapshotLinesPlaceTheFirstSnapshotAndLaterOnesRepeatIt() {
        Placement model = cutAfter("Snapshotting to binary proto file", 1);
        assertThat(event(model).stage()).isEqualTo(Stage.SNAPSHOT_MODEL);
        assertThat(model.repeat()).isFalse();
        Placement state = cutAfter("Snapshotting solver state", 1);
        assertThat(event(state).stage()).isEqualTo(Stage.SNAPSHOT_SOLVER_STATE);
        Placement again = cutAfter("Snapshotting to binary proto file", 2);
        assertThat(event(again).stage()).isEqualTo(Stage.SNAPSHOT_MODEL);
        assertThat(again.repeat()).isTrue();
        assertThat(again.iteration()).isEqualTo(4);
    }

    @Test
    void cutAfterEveryStepLineTheRunOnlyMovesForward() {
        int previous = -1;
        List<Integer> steps = LogParser.parse(String.join("\n", lines), "whole").events().stream()
                .map(e -> e.line().number()).distinct().toList();
        for (int n : steps) {
            CaffeLog log = LogParser.parse(String.join("\n", lines.subList(0, n)), "cut");
            Placement p = Placement.of(log, timeline, maxIter);
            int at = p.candidates().get(0);
            if (!p.repeat()) {
                assertThat(at).as("line %d: %s", n, lines.get(n - 1)).isGreaterThanOrEqualTo(previous);
                previous = at;
            }
        }
        assertThat(previous).isEqualTo(timeline.events().size() - 1);
    }

    /** The placement of the log cut after the {@code nth} line (from 1) that contains (a layer's: ends with) {@code text}. */
    private static Placement cutAfter(String text, int nth) {
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            boolean layer = text.startsWith("Creating Layer ");
            if ((layer ? lines.get(i).endsWith(text) : lines.get(i).contains(text)) && ++seen == nth) {
                CaffeLog log = LogParser.parse(String.join("\n", lines.subList(0, i + 1)), "cut");
                return Placement.of(log, timeline, maxIter);
            }
        }
        throw new AssertionError("no line " + nth + " with " + text);
    }

    private static Timeline.Event event(Placement p) {
        return timeline.events().get(p.candidates().get(0));
    }
}
