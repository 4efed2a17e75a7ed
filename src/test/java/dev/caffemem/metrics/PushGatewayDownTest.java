package dev.caffemem.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caffemem.cli.CliRun;
import dev.caffemem.cli.ExitCodes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push that fails loses nothing: the report is printed, the file written, and the exit code says so; a
 * gateway that never answers is given up on through the push timeout (its message says so). No wall-clock
 * bounds here: how long that takes on a busy machine is for scripts/, not for a test.
 */
class PushGatewayDownTest {
    private static final String SEED = "examples/seed/solver.prototxt";

    @Test
    void closedPortStillPrintsTheReportKeepsTheFileAndExits14(@TempDir Path tmp) throws Exception {
        int closed = PrometheusProcesses.freePort(); // bound, then released: nothing listens there
        Path file = tmp.resolve("seed.prom");
        CliRun r = CliRun.of("estimate", "--solver", SEED, "--format", "json", "--metrics-file", file.toString(),
                "--push-gateway", "http://127.0.0.1:" + closed, "--job", "caffemem-down", "--push-timeout", "3s");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.PUSH_FAILED);
        assertThat(new ObjectMapper().readTree(r.out()).get("totalBytes").asLong()).isPositive();
        assertThat(Files.readString(file)).contains("caffemem_memory_bytes{", "caffemem_max_batch{");
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("caffemem: pushing metrics to http://127.0.0.1:" + closed + "/metrics/job/caffemem-down failed: ")
                .contains("connection refused", "the report is complete");
    }

    @Test
    void gatewayThatNeverAnswersIsGivenUpOnAtTheTimeout(@TempDir Path tmp) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accept, read nothing, answer nothing
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Path file = tmp.resolve("seed.prom");
            CliRun r = CliRun.of("estimate", "--solver", SEED, "--metrics-file", file.toString(), "--push-gateway",
                    "http://127.0.0.1:" + silent.getLocalPort(), "--job", "caffemem-silent", "--push-timeout", "1500ms");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.PUSH_FAILED);
            assertThat(r.out()).contains("Total: ");
            assertThat(file).exists();
            assertThat(r.err().strip()).doesNotContain("\n").contains("no answer within 1500 ms");
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void realProbeWithTheGatewayDownStillReportsAndWritesItsFile(@TempDir Path tmp) throws Exception {
        int closed = PrometheusProcesses.freePort();
        Path file = tmp.resolve("probe.prom");
        CliRun r = CliRun.of("probe", PushToPrometheusTest.TINY, "--points", "1,2", "--format", "json",
                "--metrics-file", file.toString(), "--push-gateway", "http://127.0.0.1:" + closed, "--job", "x");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.PUSH_FAILED);
        long extrapolated = new ObjectMapper().readTree(r.out()).get("target").get("extrapolated").get("totalBytes").asLong();
        assertThat(Files.readString(file)).contains("kind=\"extrapolated\",net=\"tiny\",phase=\"train\"} " + extrapolated + ".0");
        assertThat(r.err().lines().filter(l -> l.startsWith("caffemem: "))).singleElement().asString()
                .contains("pushing metrics", "failed");
    }

    @Test
    void pushOptionsAreCheckedBeforeAnythingRuns() {
        CliRun noJob = CliRun.of("estimate", "--solver", SEED, "--push-gateway", "http://127.0.0.1:9091");
        assertThat(noJob.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noJob.out()).isEmpty();
        assertThat(noJob.err()).contains("--push-gateway needs --job");
        CliRun badUrl = CliRun.of("estimate", "--solver", SEED, "--push-gateway", "localhost:9091", "--job", "j");
        assertThat(badUrl.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badUrl.err()).contains("expected http://HOST:PORT");
        CliRun badTimeout = CliRun.of("probe", "--push-gateway", "http://127.0.0.1:1", "--job", "j", "--push-timeout", "soon");
        assertThat(badTimeout.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badTimeout.err()).contains("--push-timeout soon");
        CliRun noDir = CliRun.of("estimate", "--solver", SEED, "--metrics-file", "/nonexistent-dir/x.prom");
        assertThat(noDir.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noDir.out()).isEmpty();
    }
}
