package dev.caffemem.cli;

import dev.caffemem.metrics.CaffememMeters;
import dev.caffemem.metrics.RunExport;
import java.io.PrintWriter;

/**
 * The metrics of one estimate or probe run: the command records into {@link #meters()} when it has
 * its result, and calls {@link #finish} in a {@code finally}, which writes and pushes them and turns a
 * failed push into exit code 14 (the report is already out; a run's own failure code wins).
 */
final class MetricsRun {
    private final RunExport export;
    private final String command;
    private final boolean perLayer;
    /** Made on first use: the Prometheus registry costs a few hundred milliseconds of class loading. */
    private CaffememMeters meters;

    MetricsRun(MetricsOptions options, String command) {
        this.export = options.export();
        this.command = command;
        this.perLayer = options.perLayer;
    }

    /** Whether anything will read the metrics (else recording them would be wasted work). */
    boolean wanted() {
        return export.any();
    }

    boolean perLayer() {
        return perLayer;
    }

    CaffememMeters meters() {
        if (meters == null) {
            meters = new CaffememMeters();
        }
        return meters;
    }

    /**
     * @param code the run's exit code, or null when it threw (the exception goes on after this)
     * @return the exit code to use
     */
    Integer finish(Integer code, PrintWriter err) {
        if (!export.any()) {
            return code;
        }
        RunExport.Outcome o = export.finish(meters(), command, code != null);
        if (o.fileError() != null) {
            err.println("caffemem: " + Cli.oneLine(o.fileError()));
        }
        if (o.pushError() != null) {
            err.println("caffemem: " + Cli.oneLine(o.pushError()) + (code != null ? " (the report is complete)" : ""));
        }
        err.flush();
        if (code != null && code == ExitCodes.OK) {
            if (o.fileError() != null) {
                return ExitCodes.BAD_INPUT;
            }
            if (o.pushError() != null) {
                return ExitCodes.PUSH_FAILED;
            }
        }
        return code;
    }
}
