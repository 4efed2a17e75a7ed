package dev.caffemem.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.memory.Timeline;
import dev.caffemem.metrics.Requests;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.net.Phase;
import dev.caffemem.report.Golden;
import dev.caffemem.report.ProbeRenderer;
import dev.caffemem.report.ReportFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The probe report's output contract, sealed by golden files. The points stand for no measurement: their
 * buffers are the model's own census view and their allocator, RSS and time figures are fixed numbers
 * (a few KiB off the model, growing with the batch), so that the comparison's arithmetic and every format
 * are pinned down without running Caffe. The real probe is tested against the real Caffe elsewhere
 * (ProbeCommandTest, ProbeCorpusTest).
 */
class ProbeReportGoldenTest {

    private static PointResult point(Estimate e) {
        long allocator = e.totalBytes() + 4096 + 100L * e.batch();
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put("build", 0.25);
        seconds.put("fill", 0.01);
        seconds.put("step", 0.5 + e.batch() / 8.0);
        seconds.put("forward", 0.125);
        seconds.put("backward", 0.25);
        seconds.put("update", 0.0625);
        // the model's own phases, 2 KiB more held and 96 KiB more at the high water (a process is never that exact)
        List<PointResult.PhaseReading> phases = new ArrayList<>();
        long baseline = e.peak().timeline().events().get(0).heldBytes();
        for (Timeline.PhaseBytes p : e.peak().timeline().phases()) {
            if (p.phase() != Timeline.Phase.START) {
                phases.add(new PointResult.PhaseReading(p.phase(), p.heldBytes() - baseline + 2048,
                        p.highWaterBytes() - baseline + (96L << 10), 0.125));
            }
        }
        return new PointResult(e.batch(), e.breakdown().censusView().allocations(), List.of(), e.caffeLogBytes(),
                List.of(), allocator, allocator + (1L << 20), allocator + (1L << 20) + (64L << 10), 0, seconds, null,
                phases);
    }

    private static ProbeReport report(boolean verify) {
        EstimateRequest tiny = Requests.train(Requests.TINY);
        Estimate target = Estimator.estimate(tiny.withBatch(8));
        List<Estimate> estimates = new ArrayList<>();
        List<PointResult> points = new ArrayList<>();
        for (int b : new int[] {1, 2, 4}) {
            Estimate e = Estimator.estimate(tiny.withBatch(b));
            estimates.add(e);
            points.add(point(e));
        }
        ProbeComparison.Input in = new ProbeComparison.Input("tiny", Phase.TRAIN, "cpu", 8, target, estimates, points,
                verify ? point(target) : null, null);
        return ProbeComparison.report(in, new ArrayList<>(), 12.5);
    }

    @Test
    void everyFormatMatchesItsGoldenFile() throws IOException {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            ProbeReport verified = report(true);
            for (ReportFormat f : ReportFormat.values()) {
                String ext = f.name().toLowerCase(Locale.ROOT).replace("markdown", "md").replace("text", "txt");
                Golden.check("probe-tiny-verified." + ext, new ProbeRenderer(true).render(verified, f));
            }
            Golden.check("probe-tiny.txt", new ProbeRenderer(false).render(report(false), ReportFormat.TEXT));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void blobRowsOfAnExactCensusExtrapolateToTheEstimate() {
        ProbeReport r = report(true);
        for (Comparison c : r.comparisons()) {
            if (dev.caffemem.memory.Component.ofJsonNameOrNull(c.name()) != null) {
                assertThat(c.extrapolated()).as(c.name()).isEqualTo(c.estimated()).isEqualTo(c.measured());
            }
        }
        // the fixed 4096 + 100 x batch bytes the points carry beyond the model show in the total, exactly
        assertThat(r.total().extrapolated() - r.total().estimated()).isEqualTo(4096 + 100 * 8);
        // and the phases' fixed offsets in theirs (up to glibc's 16-byte rounding of the buffers, which is not
        // exactly linear in the batch)
        assertThat(r.phases()).isNotEmpty();
        for (ProbeReport.PhaseComparison p : r.phases()) {
            assertThat(p.held().extrapolated() - p.held().estimated()).as(p.phase().label()).isBetween(2048L - 64, 2048L + 64);
            assertThat(p.highWater().extrapolated() - p.highWater().estimated()).as(p.phase().label())
                    .isBetween((96L << 10) - 64, (96L << 10) + 64);
        }
    }
}
