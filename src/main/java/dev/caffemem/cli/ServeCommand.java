package dev.caffemem.cli;

import dev.caffemem.metrics.Agent;
import dev.caffemem.metrics.CaffememMeters;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.model.Mode;
import dev.caffemem.probe.Machine;
import dev.caffemem.report.EstimateRenderer;
import dev.caffemem.report.ProbeRenderer;
import dev.caffemem.report.ReportFormat;
import dev.caffemem.report.Units;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code caffemem serve}: a calibration agent that exposes /metrics and runs the net on request or on a schedule. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs until stopped (SIGTERM or Ctrl-C): serves GET /metrics (caffemem's metrics and the JVM's, for "
                    + "Prometheus to scrape), GET /healthz, and POST /estimate and POST /probe, which run the net "
                    + "given here now and answer the JSON report. A POST may set batch=N, and for a probe points=B1,B2,... "
                    + "and verify=true|false, as query parameters. With --schedule, runs --run every DURATION.",
            "Listens on loopback only unless --bind says otherwise (in a container: --bind 0.0.0.0): anyone who can "
                    + "reach the port can make it run Caffe.",
            "",
            "Examples:",
            "  caffemem serve --port 9464 --solver solver.prototxt --schedule 1h",
            "  curl -X POST 'http://127.0.0.1:9464/probe?points=1,2&verify=true'"})
public final class ServeCommand implements Callable<Integer> {
    private static final Set<String> ESTIMATE_PARAMS = Set.of("batch");
    private static final Set<String> PROBE_PARAMS = Set.of("batch", "points", "verify");

    @Mixin
    NetOptions net;

    @Mixin
    ProbeOptions probe;

    @Option(names = "--port", paramLabel = "PORT", required = true, description = "Port to listen on (0: any free port).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only). 0.0.0.0 opens the agent to "
                    + "the network; in a container it is needed, as the container's loopback cannot be reached through a "
                    + "published port (docker run -p) or by other containers.")
    String bind;

    @Option(names = "--schedule", paramLabel = "DURATION",
            description = "Run --run now and then every DURATION (e.g. 30m). Without it, runs happen on request only.")
    String schedule;

    @Option(names = "--run", paramLabel = "COMMAND", defaultValue = "probe",
            description = "What the schedule runs: probe or estimate. Default: ${DEFAULT-VALUE}.")
    String scheduled;

    @Option(names = "--memory", paramLabel = "SIZE",
            description = "Memory the estimate's largest batch is computed for. Default: what this machine has available.")
    String memory;

    @Option(names = "--metrics-per-layer", description = "Add one series per layer and component.")
    boolean perLayer;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        probe.validate();
        if (port < 0 || port > 65535) {
            throw new CliException(ExitCodes.USAGE, "--port " + port + ": a TCP port is 0 to 65535 (0: any free port)");
        }
        if (!Set.of("probe", "estimate").contains(scheduled)) {
            throw new CliException(ExitCodes.USAGE, "--run " + scheduled + ": expected probe or estimate");
        }
        Duration every = schedule == null ? null : ProbeCommand.duration("--schedule", schedule);
        Long available = memory == null ? null : parse(memory);
        if (net.net == null && net.solver == null) {
            throw new CliException(ExitCodes.USAGE, "give the net to serve: a net prototxt, or --solver");
        }
        NetLoader.request(net, Mode.CPU); // a bad net fails now, not at the first run
        Agent agent = new Agent(new Agent.Config(new InetSocketAddress(bind, port), every, scheduled),
                (what, params, meters) -> run(what, params, meters, available), new CaffememMeters(), this::log);
        InetSocketAddress at;
        try {
            at = agent.start();
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot listen on " + bind + ":" + port + ": " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("stopping");
            agent.close();
            log("stopped");
            stopped.countDown();
        }, "caffemem-serve-stop"));
        log("listening on http://" + at.getHostString() + ":" + at.getPort() + "/metrics");
        stopped.await();
        return ExitCodes.OK;
    }

    private void log(String line) {
        spec.commandLine().getErr().println("caffemem serve: " + line);
        spec.commandLine().getErr().flush();
    }

    private static Long parse(String size) {
        try {
            return Units.parse(size);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--memory: " + e.getMessage());
        }
    }

    /** One run for the agent: the JSON report, with the metrics recorded. */
    private String run(String what, Map<String, String> params, CaffememMeters meters, Long available) {
        Set<String> allowed = what.equals("probe") ? PROBE_PARAMS : ESTIMATE_PARAMS;
        for (String p : params.keySet()) {
            if (!allowed.contains(p)) {
                throw new Agent.BadRequest("unknown parameter " + p + " for /" + what + " (known: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        NetOptions n = params.containsKey("batch") ? net.withBatch(positive("batch", params.get("batch"))) : net;
        try {
            if (what.equals("estimate")) {
                EstimateRequest request = NetLoader.request(n, Mode.CPU);
                Estimate e = Estimator.estimate(request);
                meters.recordEstimate(e, request, available != null ? available : Machine.availableBytes(), perLayer);
                return new EstimateRenderer(true).render(e, ReportFormat.JSON);
            }
            ProbeOptions p = probe;
            if (params.containsKey("points")) {
                p = p.withPoints(Arrays.stream(params.get("points").split(",")).map(s -> positive("points", s)).toList());
            }
            if (params.containsKey("verify")) {
                p = p.withVerify(bool("verify", params.get("verify")));
            }
            p.validate();
            return new ProbeRenderer(true).render(ProbeCommand.run(n, p, meters, perLayer, this::log), ReportFormat.JSON);
        } catch (CliException e) {
            if (e.exitCode() == ExitCodes.USAGE) {
                throw new Agent.BadRequest(e.getMessage());
            }
            throw e;
        }
    }

    private static int positive(String name, String value) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new Agent.BadRequest(name + "=" + value + ": expected a positive integer");
    }

    private static boolean bool(String name, String value) {
        return switch (value) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new Agent.BadRequest(name + "=" + value + ": expected true or false");
        };
    }
}
