package dev.caffemem.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The result type's invariants, its views and its diff. */
class MemoryBreakdownTest {
    private static final BufferKey CONV_DATA = BufferKey.blob(-1, 1, "conv1", BufferKey.Part.DATA);
    private static final BufferKey CONV_DIFF = BufferKey.blob(-1, 1, "conv1", BufferKey.Part.DIFF);
    private static final BufferKey COL = BufferKey.layer(-1, 1, "conv1", "col_buffer", BufferKey.Part.DATA);
    private static final BufferKey HISTORY = BufferKey.solver(BufferKey.Kind.HISTORY, 0, BufferKey.Part.DATA);

    @Test
    void keysPrintTheirStableTextForm() {
        assertThat(CONV_DIFF).hasToString("blob/1/conv1/diff");
        assertThat(COL).hasToString("layer/1/conv1/col_buffer/data");
        assertThat(BufferKey.param(0, 2, BufferKey.Part.DATA)).hasToString("test0/param/2/data");
        assertThat(HISTORY).hasToString("solver/history/0/data");
        assertThat(BufferKey.overhead(-1)).hasToString("overhead");
        assertThat(BufferKey.cuda("context")).hasToString("cuda/context");
        assertThat(BufferKey.blob(-1, 3, "inception_3a/output", BufferKey.Part.DATA))
                .hasToString("blob/3/inception_3a/output/data");
    }

    @Test
    void aCensusFilesBuffersByTheirKeys() {
        assertThat(CONV_DATA.censusComponent()).isEqualTo(Component.ACTIVATION_DATA);
        assertThat(CONV_DIFF.censusComponent()).isEqualTo(Component.ACTIVATION_DIFF);
        assertThat(HISTORY.censusComponent()).isEqualTo(Component.SOLVER_STATE);
        assertThat(CONV_DATA.inTestNet(1).censusComponent()).isEqualTo(Component.TEST_NET);
        assertThat(COL.censused()).isFalse();
        assertThatThrownBy(COL::censusComponent).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sumsByComponentAndSide() {
        MemoryBreakdown m = MemoryBreakdown.of(List.of(
                new Allocation(CONV_DATA, 400, Component.ACTIVATION_DATA, Side.HOST),
                new Allocation(CONV_DATA, 400, Component.ACTIVATION_DATA, Side.DEVICE),
                new Allocation(COL, 96, Component.LAYER_BUFFERS, Side.DEVICE)));
        assertThat(m.totalBytes()).isEqualTo(896);
        assertThat(m.bytes(Component.ACTIVATION_DATA)).isEqualTo(800);
        assertThat(m.bytes(Side.DEVICE)).isEqualTo(496);
        assertThat(m.onSide(Side.HOST).totalBytes()).isEqualTo(400);
        assertThat(m.unattributedBytes(Side.HOST)).isZero();
        assertThat(m.components()).hasSize(Component.values().length).containsEntry(Component.PREFETCH, 0L);
    }

    @Test
    void refusesWhatCannotBe() {
        Allocation a = new Allocation(CONV_DATA, 4, Component.ACTIVATION_DATA, Side.HOST);
        assertThatThrownBy(() -> MemoryBreakdown.of(List.of(a, a))).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> new Allocation(CONV_DATA, -1, Component.ACTIVATION_DATA, Side.HOST))
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> MemoryBreakdown.measured(List.of(), -5, 0)).hasMessageContaining("negative");
    }

    @Test
    void anEstimatesCensusViewDiffsAgainstAMeasurementBufferByBuffer() {
        MemoryBreakdown estimate = MemoryBreakdown.of(List.of(
                new Allocation(CONV_DATA, 400, Component.ACTIVATION_DATA, Side.HOST),
                new Allocation(CONV_DIFF, 400, Component.ACTIVATION_DIFF, Side.HOST),
                new Allocation(COL, 96, Component.LAYER_BUFFERS, Side.HOST),
                new Allocation(HISTORY, 40, Component.SOLVER_STATE, Side.HOST)));
        MemoryBreakdown measured = MemoryBreakdown.measured(List.of(
                Allocation.censused(CONV_DATA, 400, Side.HOST),
                Allocation.censused(CONV_DIFF, 404, Side.HOST),
                Allocation.censused(BufferKey.param(-1, 0, BufferKey.Part.DATA), 40, Side.HOST)), 1000, 0);
        assertThat(measured.unattributedBytes(Side.HOST)).isEqualTo(1000 - 844);
        BreakdownDiff diff = estimate.censusView().diff(measured);
        assertThat(diff.describe()).containsExactly(
                "blob/1/conv1/diff: 400 vs 404",
                "param/0/data: nothing vs 40",
                "solver/history/0/data: 40 vs nothing",
                "host total: 936 vs 1000");
        assertThat(estimate.censusView().diff(estimate.censusView()).isEmpty()).isTrue();
        assertThat(estimate.censusView()).isEqualTo(estimate.censusView()).isNotEqualTo(measured);
    }
}
