package dev.caffemem.report.chart;

import dev.caffemem.compare.Comparison;
import dev.caffemem.compare.PointResult;
import dev.caffemem.compare.ProbeReport;
import dev.caffemem.fit.LinearFit;
import dev.caffemem.model.Estimate;
import dev.caffemem.report.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * What the memory-vs-batch chart shows: the estimate's line (fixed + per sample), lines fitted through measured
 * points, single marked points, the memory limit and the largest batch that fits. Plain data, so that the
 * report, {@code probe --plot} and a max-batch command draw the same chart from what each of them knows.
 *
 * @param estimate      the estimate's line, or null
 * @param estimateLabel its legend entry
 * @param measured      measured points with the line fitted through them
 * @param marks         single points worth a label (the estimated run, a verification)
 * @param limitBytes    the memory limit, or null
 * @param limitLabel    what the limit is, e.g. "--memory 11GiB"
 * @param largestBatch  the largest batch that fits (MaxBatch), or null when unknown or 0
 * @param id            the chart's id within a page
 */
public record BatchView(String title, LinearFit estimate, String estimateLabel, List<Measured> measured,
                        List<Mark> marks, Long limitBytes, String limitLabel, Integer largestBatch, String id) {

    /** Points measured at several batches and the line through them. */
    public record Measured(String label, List<LinearFit.Point> points, LinearFit fit) {
    }

    /** One labelled point. */
    public record Mark(String label, int batch, long bytes) {
    }

    public BatchView {
        measured = List.copyOf(measured);
        marks = List.copyOf(marks);
    }

    /**
     * The line the bill that must fit follows in the batch, through its value at its own batch: the peak of host
     * memory on the CPU (its own line), the busiest GPU's device memory on a GPU.
     */
    public static LinearFit line(Estimate e) {
        double perSample = e.gpu() == null ? e.peak().perSampleBytes() : e.gpu().devicePerSample();
        return new LinearFit(0, perSample, 0, 2, e.batch()).anchoredAt(new LinearFit.Point(e.batch(), e.boundBytes()));
    }

    /** The chart of an estimate: its line and its own batch, the limit and the largest batch; a probe's points too. */
    public static BatchView of(Estimate e, long limitBytes, String limitLabel, Integer largestBatch, ProbeReport probe) {
        LinearFit line = line(e);
        List<Measured> measured = new ArrayList<>();
        List<Mark> marks = new ArrayList<>();
        marks.add(new Mark("this run: batch " + e.batch() + ", " + Units.bytes(e.boundBytes(), false), e.batch(),
                e.boundBytes()));
        if (probe != null) {
            measured.add(bound(probe));
            addVerified(probe, marks);
        }
        return new BatchView("Memory vs batch", line, estimateLabel(line), measured, marks, limitBytes, limitLabel,
                largestBatch == null || largestBatch == 0 ? null : largestBatch, "batch");
    }

    /**
     * The chart of a probe: the bill that must fit (glibc's count on the CPU, the device's on a GPU) and the
     * census of blobs (on a GPU, those on the device) at each point, each with its fitted line carried to the
     * target batch, and there the estimate (and the measurement, with --verify).
     */
    public static BatchView of(ProbeReport r) {
        Comparison total = r.total();
        boolean gpu = r.gpu() != null;
        LinearFit blobFit = gpu ? r.byName().get(Comparison.DEVICE_BLOBS).fit() : r.blobFit();
        List<Measured> measured = List.of(bound(r), new Measured(gpu ? "blobs on the device (census), fitted"
                : "blobs (census), fitted", points(r, p -> gpu ? p.deviceBlobBytes() : p.blobBytes()), blobFit));
        List<Mark> marks = new ArrayList<>();
        marks.add(new Mark("estimate at batch " + r.targetBatch() + ": " + Units.bytes(total.estimated(), false),
                r.targetBatch(), total.estimated()));
        addVerified(r, marks);
        return new BatchView("Probe: measured memory vs batch", null, null, measured, marks, null, null, null,
                "probe");
    }

    /** The points of the bill that must fit, as the probe's last row counts it, and its line. */
    private static Measured bound(ProbeReport r) {
        LinearFit f = r.total().fit();
        String what = r.gpu() != null ? "measured (device)" : "measured (glibc)";
        return new Measured(String.format(Locale.ROOT, "%s, fitted: %s + %s per sample", what,
                Units.bytes(f.fixedRounded(), false), Units.bytes(Math.round(f.perSampleBytes()), false)),
                points(r, r.gpu() != null ? p -> p.gpu().contextBytes() + p.gpu().deviceBytes()
                        : PointResult::allocatorBytes), f);
    }

    private static void addVerified(ProbeReport r, List<Mark> marks) {
        Long measured = r.total().measured();
        if (r.verified() != null && measured != null) {
            marks.add(new Mark("measured at batch " + r.verified().batch() + ": " + Units.bytes(measured, false),
                    r.verified().batch(), measured));
        }
    }

    private static List<LinearFit.Point> points(ProbeReport r, ToLongFunction<PointResult> bytes) {
        List<LinearFit.Point> out = new ArrayList<>();
        for (PointResult p : r.points()) {
            out.add(new LinearFit.Point(p.batch(), bytes.applyAsLong(p)));
        }
        return out;
    }

    private static String estimateLabel(LinearFit line) {
        return String.format(Locale.ROOT, "estimate: %s + %s per sample", Units.bytes(line.fixedRounded(), false),
                Units.bytes(Math.round(line.perSampleBytes()), false));
    }

    /** The largest batch the chart must show. */
    int maxBatch() {
        int max = 1;
        for (Mark m : marks) {
            max = Math.max(max, m.batch());
        }
        for (Measured m : measured) {
            for (LinearFit.Point p : m.points()) {
                max = Math.max(max, p.batch());
            }
        }
        if (largestBatch != null) {
            max = Math.max(max, largestBatch);
        }
        return max;
    }
}
