package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.reality.Corpus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A fast subset of scripts/probe-table.sh: corpus training nets probed at 1, 2, 4, extrapolated to 32
 * and verified there. Blob-level extrapolation is exact; allocator level and estimate within 1%.
 */
class ProbeCorpusTest {

    @Test
    void smallTrainingNetsExtrapolateToEightTimesTheLargestPoint() {
        dev.caffemem.testing.Prerequisites.requireCorpus();
        List<ProbeTable.Row> rows = new ArrayList<>();
        for (String net : ProbeTable.NETS.subList(0, 3)) {
            rows.add(ProbeTable.probe(net, 32));
        }
        System.out.print(ProbeTable.markdown(rows));
        for (ProbeTable.Row r : rows) {
            assertThat(r.failure()).as(r.net()).isNull();
            assertThat(r.blobsExact()).as(r.net()).isTrue();
            assertThat(Math.abs(r.extrapolationError())).as(r.net()).isLessThan(0.01);
            assertThat(Math.abs(r.estimateError())).as(r.net()).isLessThan(0.01);
        }
    }
}
