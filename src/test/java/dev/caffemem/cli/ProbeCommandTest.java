package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** caffemem probe against the real Caffe: the seed example's numbers, and every way a child can fail. */
class ProbeCommandTest {
    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));

    private static Set<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(TMP)) {
            // what this JVM's probes make (their names carry its pid): on a shared machine another run's
            // probes come and go in the same /tmp
            String own = "caffemem-(probe|seed)-" + ProcessHandle.current().pid() + "-\\d+";
            return files.filter(p -> p.getFileName().toString().matches(own)).collect(Collectors.toSet());
        }
    }

    @Test
    void seedExampleExtrapolatesBlobsExactlyAndTheTotalWithinOnePercent() throws Exception {
        Set<Path> before = leftovers();
        CliRun r = CliRun.of("probe", "--verify", "--with-snapshot", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("point 1/3 (batch 1)", "point 3/3 (batch 4)", "verify (batch 32)");
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("points")).hasSize(3);
        JsonNode target = json.get("target");
        assertThat(target.get("batch").asInt()).isEqualTo(32);
        for (String c : List.of("activationData", "activationDiff", "paramData", "paramDiff", "solverState")) {
            long measured = target.get("measured").get("components").get(c).asLong();
            assertThat(target.get("extrapolated").get("components").get(c).asLong()).as(c).isEqualTo(measured);
            assertThat(target.get("estimated").get("components").get(c).asLong()).as(c).isEqualTo(measured);
        }
        double measured = target.get("measured").get("totalBytes").asDouble();
        assertThat(Math.abs(target.get("extrapolated").get("totalBytes").asDouble() - measured) / measured).isLessThan(0.01);
        assertThat(Math.abs(target.get("estimated").get("totalBytes").asDouble() - measured) / measured).isLessThan(0.01);
        assertThat(json.get("fit").get("linear").asBoolean()).isTrue();
        // the run phase by phase: the model's timeline against what the child held and peaked at, extrapolated and
        // measured at the target, within max(1%, 8 MiB) (the peak's bound), the snapshot's peak among them
        List<String> phases = new java.util.ArrayList<>();
        for (JsonNode phase : json.get("phases")) {
            phases.add(phase.get("phase").asText());
            for (String what : List.of("held", "highWater")) {
                JsonNode row = phase.get(what);
                long estimated = row.get("estimatedBytes").asLong();
                for (String other : List.of("extrapolatedBytes", "measuredBytes")) {
                    long value = row.get(other).asLong();
                    assertThat(Math.abs(estimated - value)).as("%s %s: estimated %d, %s %d", phase.get("phase"), what,
                            estimated, other, value).isLessThanOrEqualTo(Math.max(value / 100, 8L << 20));
                }
            }
        }
        assertThat(phases).containsExactly("init", "clear_diffs", "forward", "backward", "update", "snapshot");
        for (JsonNode p : json.get("points")) {
            assertThat(p.get("seconds").get("step").asDouble()).isPositive();
            assertThat(p.get("rssBytes").asLong()).isPositive();
        }
        assertThat(leftovers()).isEqualTo(before);
    }

    @Test
    void caffeAbortIsOneLineQuotingTheCheckAndNamingTheLayer() throws Exception {
        Set<Path> before = leftovers();
        CliRun r = CliRun.of("probe", "src/test/resources/dev/caffemem/probe/python-layer.prototxt", "--top-shape",
                "py=N,4,6,6", "--phase", "TEST", "--points", "1,2");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CAFFE_ABORTED);
        String last = lastLine(r.err());
        assertThat(last).startsWith("caffemem: ").contains("Caffe aborted", "\"py\"", "Check failed", "Unknown layer type: Python");
        // progress lines say "caffemem probe: ..."; the error is the one "caffemem: ..." line
        assertThat(r.err().lines().filter(l -> l.startsWith("caffemem: "))).hasSize(1);
        assertThat(r.out()).isEmpty();
        assertThat(leftovers()).isEqualTo(before);
    }

    @Test
    void childOutOfMemoryIsReportedAsKilled() throws Exception {
        dev.caffemem.testing.Prerequisites.require(cgroupsWritable(), "a writable memory cgroup (cgroup v2, run as root)");
        Set<Path> before = leftovers();
        // each point needs about 2.2 GiB of its own: inside a 2300 MiB cage the JVM around it cannot fit too
        CliRun r = CliRun.of("probe", "--points", "1,2", "--memory-limit", "2300MiB");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.CHILD_KILLED);
        assertThat(lastLine(r.err())).startsWith("caffemem: ").contains("killed by SIGKILL", "OOM killer", "point 1/2");
        assertThat(leftovers()).isEqualTo(before);
    }

    @Test
    void childPastTheTimeoutIsStopped() throws Exception {
        Set<Path> before = leftovers();
        CliRun r = CliRun.of("probe", "--points", "1,2", "--timeout", "1s");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CHILD_TIMEOUT);
        assertThat(lastLine(r.err())).startsWith("caffemem: ").contains("timeout", "stopped");
        assertThat(leftovers()).isEqualTo(before);
    }

    @Test
    void refusesPointsThatCannotFit() {
        CliRun r = CliRun.of("probe", "--points", "1,2", "--memory-limit", "100MiB");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.CHILD_FAILED);
        assertThat(lastLine(r.err())).contains("fewer than two probe points fit");
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static boolean cgroupsWritable() {
        try {
            dev.caffemem.probe.MemoryCage.create(1L << 30, "caffemem-check-" + ProcessHandle.current().pid()).close();
            return true;
        } catch (dev.caffemem.probe.ProbeException e) {
            return false;
        }
    }
}
