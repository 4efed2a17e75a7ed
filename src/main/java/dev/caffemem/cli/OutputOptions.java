package dev.caffemem.cli;

import dev.caffemem.report.ReportFormat;
import picocli.CommandLine.Option;

/** How results are printed. Results go to stdout; progress and errors to stderr. */
public final class OutputOptions {

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json, csv or markdown. Default: ${DEFAULT-VALUE}. JSON is a stable contract.")
    ReportFormat format;

    @Option(names = "--bytes", description = "Print exact byte counts instead of IEC units (KiB, MiB, GiB).")
    boolean bytes;

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces on errors.")
    boolean verbose;
}
