package dev.caffemem.caffetool;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs every {@link PeakCases} case with the real {@code caffe train} (one iteration, a test pass at
 * iteration 0, with or without the final snapshot), one at a time, then one {@code caffe test} on
 * AlexNet's snapshot, and prints the table in Markdown on stdout: the process's peak (VmHWM), the
 * phase it falls in, its anonymous and file-backed parts, the steady state before any snapshot, and
 * {@code caffemem estimate}'s peak (with the dataset pages it maps). Each run's phase table goes to DETAILS. Used by
 * scripts/peak-table.sh; progress on stderr.
 *
 * <p>Arguments: WORK_DIR DETAILS_FILE [case-id ...] (no ids: all).
 */
public final class PeakTable {
    private PeakTable() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]).toAbsolutePath();
        Path details = Path.of(args[1]);
        List<String> ids = List.of(args).subList(2, args.length);
        CaffeTool tool = CaffeTool.get();
        Datasets sets = new Datasets(tool, work.resolve("data"));
        List<String> rows = new ArrayList<>();
        StringBuilder detail = new StringBuilder();
        Path alexSnapshot = null;
        for (PeakCase c : PeakCases.all()) {
            if (!ids.isEmpty() && !ids.contains(c.id())) {
                continue;
            }
            String runId = c.id() + "-" + c.snapshotLabel().replace('+', '-');
            Path dir = work.resolve(runId);
            Path solver = RunDir.prepare(c, sets, dir);
            System.err.println("peak-table: " + runId + " ...");
            RunRecord r = CaffeRun.train(tool, dir.relativize(solver)).in(dir).run();
            Datasets.Source in = c.data().source(sets, true);
            List<String> estArgs = new ArrayList<>(List.of("--solver", "solver.prototxt"));
            estArgs.addAll(inputShapes(in));
            long est = peak(Estimates.json(dir, estArgs));
            rows.add(row(runId, c, solverType(solver), r, est));
            detail.append("### ").append(runId).append("\n\n").append(r.summary()).append("\n\n")
                    .append(r.phaseTable()).append('\n');
            Files.writeString(details, detail.toString());
            System.err.println("peak-table: " + runId + ": " + r.summary());
            if (c.id().equals("alexnet") && c.snapshot() && r.exitCode() == 0) {
                alexSnapshot = dir.resolve("snap").resolve("alexnet_iter_1.caffemodel");
            }
        }
        if (alexSnapshot != null) {
            Path dir = alexSnapshot.getParent().getParent();
            System.err.println("peak-table: caffe test (AlexNet, TEST phase, 2 iterations) ...");
            RunRecord r = CaffeRun.test(tool, Path.of("train_val.prototxt"), dir.relativize(alexSnapshot), 2).in(dir).run();
            long est = peak(Estimates.json(dir, List.of("train_val.prototxt", "--phase", "TEST", "--input-shape",
                    "data=3,256,256")));
            rows.add(testRow(r, est));
            detail.append("### alexnet caffe test\n\n").append(r.summary()).append("\n\n").append(r.phaseTable()).append('\n');
        }
        PrintStream out = System.out;
        out.println("| run | solver | snapshot | `caffe` VmHWM | peak in | RssAnon high-water | RssFile with it "
                + "| steady (before snapshot) | snapshot rise | `estimate` peak | estimate vs VmHWM |");
        out.println("|---|---|---|---:|---|---:|---:|---:|---:|---:|---:|");
        rows.forEach(out::println);
        Files.writeString(details, detail.toString());
    }

    /**
     * What caffemem says the process's resident memory peaks at: its peak, plus the dataset pages the run maps
     * (file-backed, reported apart, but in VmHWM once read: the test data sets are read whole).
     */
    static long peak(com.fasterxml.jackson.databind.JsonNode estimate) {
        return estimate.get("peakBytes").asLong() + estimate.get("datasetPagesBytes").asLong();
    }

    /** What the estimator cannot read from the data itself: the record's shape (LMDB) or the datasets' (HDF5). */
    private static List<String> inputShapes(Datasets.Source in) {
        if (in.height() == 1 && in.width() == 1) {
            return List.of("--input-shape", "data=" + in.channels(), "--input-shape", "label=1");
        }
        return List.of("--input-shape", "data=" + in.channels() + "," + in.height() + "," + in.width());
    }

    /** The high-water before the first snapshot phase: the steady state of training. */
    static long steadyBytes(RunRecord r) {
        long max = 0;
        for (Phase p : r.phases()) {
            if (p.name().startsWith("snapshot")) {
                break;
            }
            max = Math.max(max, p.hwmBytes());
        }
        return max;
    }

    private static String row(String runId, PeakCase c, String solver, RunRecord r, long est) {
        long steady = steadyBytes(r);
        long peak = r.finalHwmBytes();
        return String.format(Locale.ROOT, "| %s%s | %s | %s | %,d | %s | %,d | %,d | %,d | %,d | %,d | %+.2f%% |",
                runId, r.exitCode() == 0 ? "" : " (exit " + r.exitCode() + ")", solver, c.snapshotLabel(), peak,
                r.peakPhase().name(), r.anonHighWaterBytes(), r.fileAtAnonHighWaterBytes(), steady, peak - steady, est,
                100.0 * (est - peak) / peak);
    }

    private static String testRow(RunRecord r, long est) {
        long peak = r.finalHwmBytes();
        return String.format(Locale.ROOT, "| alexnet `caffe test` x2%s | - | - | %,d | %s | %,d | %,d | %,d | - | %,d | %+.2f%% |",
                r.exitCode() == 0 ? "" : " (exit " + r.exitCode() + ")", peak, r.peakPhase().name(),
                r.anonHighWaterBytes(), r.fileAtAnonHighWaterBytes(), peak, est, 100.0 * (est - peak) / peak);
    }

    private static String solverType(Path solver) {
        dev.caffemem.prototxt.Message m = dev.caffemem.prototxt.TextFormat.parse(solver,
                dev.caffemem.prototxt.Schema.caffe().message("SolverParameter"));
        return m.has("type") ? m.getString("type") : "SGD";
    }
}
