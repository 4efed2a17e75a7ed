package dev.caffemem.caffetool;

import java.nio.file.Path;

/**
 * One recorded {@code caffe train --solver=solver.prototxt} in a prepared run directory (e.g. one that
 * scripts/peak-table.sh left under target/peak-table), printed as its phase table and summary. Used by
 * scripts/caffe-run.sh. Arguments: DIR [NAME=VALUE ...] [--limit BYTES] [--layers]: NAME=VALUE goes to the
 * child's environment (OPENBLAS_NUM_THREADS=1, MALLOC_MMAP_THRESHOLD_=131072), --limit runs it in a memory
 * cgroup of that size, --layers opens a phase per layer during each net's setup.
 */
public final class RecordRun {
    private RecordRun() {
    }

    public static void main(String[] args) {
        CaffeRun run = CaffeRun.train(CaffeTool.get(), Path.of("solver.prototxt")).in(Path.of(args[0]));
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--limit")) {
                run.memoryLimit(Long.parseLong(args[++i]));
            } else if (args[i].equals("--layers")) {
                run.markers(PhaseMarkers.eventsAndLayers());
            } else {
                String[] kv = args[i].split("=", 2);
                run.env(kv[0], kv[1]);
            }
        }
        RunRecord r = run.run();
        System.out.println(r.phaseTable());
        System.out.println(r.summary() + "; boundaries at most " + r.maxBoundaryLagMicros() / 1000 + " ms late");
        if (r.exitCode() != 0) {
            System.out.println(r.tail(3));
        }
    }
}
