package dev.caffemem.caffetool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The snapshot's RepeatedField arithmetic on the nets of docs/peak-findings.md (shapes from their prototxt). */
class SnapshotHumpTest {

    @Test
    void capacityBeforeTheLastGrowth() {
        assertThat(SnapshotHump.capacityBefore(4)).isZero();
        assertThat(SnapshotHump.capacityBefore(5)).isEqualTo(4);
        assertThat(SnapshotHump.capacityBefore(8)).isEqualTo(4);
        assertThat(SnapshotHump.capacityBefore(9)).isEqualTo(8);
        assertThat(SnapshotHump.capacityBefore(16_777_216)).isEqualTo(8_388_608);
        assertThat(SnapshotHump.capacityBefore(191_102_976)).isEqualTo(134_217_728);
    }

    @Test
    void seedModelFile() {
        // conv1 64x3x9x9 + 64, fc 64x2985984 + 64: the fc's last doubling is 2 x 134,217,728 floats
        assertThat(SnapshotHump.hump(List.of(15_552L, 64L, 191_102_976L, 64L))).isEqualTo(62_464L + 1_073_741_824L);
    }

    @Test
    void alexNetPeaksAtFc6() {
        List<Long> arrays = List.of(34_848L, 96L, 307_200L, 256L, 884_736L, 384L, 663_552L, 384L, 442_368L, 256L,
                37_748_736L, 4_096L, 16_777_216L, 4_096L, 4_096_000L, 1_000L);
        // 4 x (conv1..conv5) = 9,336,320, then fc6 grows from 33,554,432 to 67,108,864 floats
        assertThat(SnapshotHump.hump(arrays)).isEqualTo(9_336_320L + 8L * 33_554_432);
    }

    @Test
    void smallArraysEndAtTheirSum() {
        assertThat(SnapshotHump.hump(List.of(3L, 4L, 1L))).isEqualTo(32);
    }

    @Test
    void glibcChunkOfTheSixteenMebibyteCapacity() {
        assertThat(SnapshotHump.THRESHOLD_AFTER_16_MIB).isEqualTo(16_781_312L);
        assertThat(SnapshotHump.chunkBytes(580 * 420 * 3)).isEqualTo(733_184L);
    }
}
