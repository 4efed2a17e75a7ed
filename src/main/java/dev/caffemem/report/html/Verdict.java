package dev.caffemem.report.html;

import dev.caffemem.compare.Comparison;
import dev.caffemem.compare.ProbeReport;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.GpuBill;
import dev.caffemem.net.Phase;
import dev.caffemem.report.Units;
import dev.caffemem.memory.Timeline;
import dev.caffemem.report.TimelineRenderer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The report's first words: does the run fit, by how much, when it peaks, and the largest batch that does fit. */
final class Verdict {

    private Verdict() {
    }

    static String headline(Report r) {
        String need = Units.bytes(r.neededBytes(), false);
        String limit = Units.bytes(r.limit().bytes(), false);
        return r.fits() ? "Fits: needs " + need + " of " + limit
                : "Does NOT fit: needs " + need + ", " + limit + " available";
    }

    /** The sentences under the headline, in the order a user asks the questions. */
    static List<String> sentences(Report r) {
        Estimate e = r.estimate();
        List<String> out = new ArrayList<>();
        long need = r.neededBytes();
        long limit = r.limit().bytes();
        String side = e.gpu() != null ? "device memory" : "host memory";
        String margin = r.fits()
                ? Units.bytes(limit - need, false) + " to spare; the run takes " + share(need, limit) + " of it"
                : Units.bytes(need - limit, false) + " too much; the run needs " + share(need, limit) + " of it";
        out.add(String.format(Locale.ROOT, "%s at batch %d needs %s of %s at its peak. The limit is %s (%s): %s.",
                run(e), e.batch(), Units.bytes(need, false), side, Units.bytes(limit, false), r.limit().source(),
                margin));
        Timeline t = r.timeline();
        out.add(String.format(Locale.ROOT, "The peak, %s, comes at %s; the steady state, %s, is reached at %s.",
                Units.bytes(need, false), TimelineRenderer.where(t.peak()), Units.bytes(t.finalBytes(), false),
                TimelineRenderer.where(TimelineRenderer.steadyFrom(t))));
        out.add(largestBatch(r));
        if (e.gpu() != null) {
            out.add(gpu(e.gpu()));
        }
        out.add(String.format(Locale.ROOT, "Caffe's own log will say \"Memory required for data: %d\" (%s): %s of "
                        + "this bill.", e.caffeLogBytes(), Units.bytes(e.caffeLogBytes(), false),
                e.totalBytes() == 0 ? "n/a" : Units.percent((double) e.caffeLogBytes() / e.totalBytes())));
        if (r.probe() != null) {
            out.add(probe(r.probe()));
        }
        return out;
    }

    private static String run(Estimate e) {
        String what = e.phase() == Phase.TRAIN ? "Training" : "Inference";
        String net = e.netName().isEmpty() ? "the net" : e.netName();
        String where = e.gpu() != null ? "on " + e.gpu().settings().name() : "on the CPU";
        return what + " of " + net + " " + where + (e.phase() == Phase.TRAIN ? " (solver " + e.solver() + ")" : "");
    }

    private static String largestBatch(Report r) {
        String in = Units.bytes(r.limit().bytes(), false);
        if (r.largestBatch().isEmpty()) {
            return "No largest batch: the net cannot be estimated at other batches (its shapes fix the batch).";
        }
        int b = r.largestBatch().getAsInt();
        if (b == 0) {
            return "Not even batch 1 fits in " + in + ".";
        }
        return String.format(Locale.ROOT, "The largest batch that fits in %s is %d (this run: %d).", in, b,
                r.estimate().batch());
    }

    private static String gpu(GpuBill g) {
        String overheads = g.settings().calibrated() ? "calibrated" : "not calibrated";
        if (g.multi() != null) {
            GpuBill.MultiGpu m = g.multi();
            return String.format(Locale.ROOT, "Data-parallel on %d GPUs: the root GPU needs %s of device memory, "
                            + "every other GPU %s; the process needs %s of host memory for all replicas (pinned in "
                            + "GPU mode); the profile's overheads are %s.", m.gpus(),
                    Units.bytes(m.rootDeviceBytes(), false), Units.bytes(m.workerDeviceBytes(), false),
                    Units.bytes(m.hostBytes(), false), overheads);
        }
        return String.format(Locale.ROOT, "On the GPU: %s of device memory (%s fixed + %s per sample), and %s of "
                        + "host memory beside it (Caffe's host buffers are pinned in GPU mode); the profile's "
                        + "overheads are %s.", Units.bytes(g.deviceBytes(), false),
                Units.bytes(g.deviceFixed(), false), Units.bytes(g.devicePerSample(), false),
                Units.bytes(g.hostBytes(), false), overheads);
    }

    private static String probe(ProbeReport p) {
        Comparison total = p.total();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Checked in the real Caffe at batches %s: "
                        + "at batch %d the estimate of the probed run is %s, the extrapolation of the measurements %s "
                        + "(%s)", p.points().stream().map(x -> Integer.toString(x.batch())).toList(),
                p.targetBatch(), Units.bytes(total.estimated(), false), Units.bytes(total.extrapolated(), false),
                signedPercent(total.estimateVersusExtrapolation())));
        if (total.measured() != null) {
            sb.append(String.format(Locale.ROOT, ", measured %s (estimate %s)", Units.bytes(total.measured(), false),
                    signedPercent(total.estimateError())));
        }
        return sb.append('.').toString();
    }

    static String share(long part, long whole) {
        return whole == 0 ? "n/a" : Units.percent((double) part / whole);
    }

    static String signedPercent(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%+.2f%%", ratio * 100);
    }
}
