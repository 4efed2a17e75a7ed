package dev.caffemem.cli;

import dev.caffemem.metrics.PushGateway;
import dev.caffemem.metrics.RunExport;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where estimate and probe send their metrics (Prometheus text format). */
public final class MetricsOptions {

    @Option(names = "--metrics-file", paramLabel = "FILE",
            description = "Write the run's metrics in the Prometheus text format to FILE, atomically (e.g. for "
                    + "node_exporter's textfile collector: a name ending in .prom).")
    Path file;

    @Option(names = "--push-gateway", paramLabel = "URL",
            description = "Push the run's metrics to this Prometheus Pushgateway (e.g. http://localhost:9091) when "
                    + "the run ends, under --job. A failed push keeps the report and exits with 14.")
    String pushGateway;

    @Option(names = "--job", paramLabel = "NAME", description = "The Pushgateway job (grouping key) to push under.")
    String job;

    @Option(names = "--push-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "Longest a push may take, connection included. Default: ${DEFAULT-VALUE}.")
    String pushTimeout;

    @Option(names = "--metrics-per-layer",
            description = "Add one series per layer and component (caffemem_layer_memory_bytes): many series for a deep net.")
    boolean perLayer;

    /** The validated export; a mistake is a usage error before anything runs. */
    RunExport export() {
        if ((pushGateway == null) != (job == null)) {
            throw new CliException(ExitCodes.USAGE, pushGateway == null ? "--job needs --push-gateway"
                    : "--push-gateway needs --job NAME (the Pushgateway groups pushed metrics by job)");
        }
        PushGateway gateway = null;
        if (pushGateway != null) {
            try {
                gateway = new PushGateway(pushGateway, job, ProbeCommand.duration("--push-timeout", pushTimeout));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--push-gateway: " + e.getMessage());
            }
        }
        if (file != null && file.toString().isEmpty()) {
            // the empty path is the current directory, which would be reported as "is a directory"
            throw new CliException(ExitCodes.USAGE, "--metrics-file '': the file name is empty");
        }
        if (file != null) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new CliException(ExitCodes.USAGE, "--metrics-file " + file + ": the directory " + dir + " does not exist");
            }
            if (Files.isDirectory(file)) {
                throw new CliException(ExitCodes.USAGE, "--metrics-file " + file + " is a directory");
            }
        }
        return new RunExport(file, gateway);
    }
}
