package dev.caffemem.explain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caffemem.caffetool.CaffeTool;
import dev.caffemem.caffetool.Datasets;
import dev.caffemem.caffetool.LogLine;
import dev.caffemem.caffetool.RunRecord;
import dev.caffemem.cli.CliRun;
import dev.caffemem.probe.MemoryCage;
import dev.caffemem.testing.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A killed log made here and now: the seed example run by BVLC's own {@code caffe} in a 3 GiB memory cgroup (about
 * 20 s), then explained. The kernel, not caffemem, decides where it dies; the explanation must put the death where
 * the estimate's timeline first needs more than the cgroup holds.
 */
class KilledRunTest {
    @TempDir
    Path dir;

    @Test
    void theKernelKillsTheSeedWhereTheTimelineFirstExceedsTheCgroup() throws IOException {
        CaffeTool tool = CaffeTool.get();
        Prerequisites.require(cgroupsWritable(), "a writable memory cgroup (v1 memory controller or v2, run as root)");
        long limit = ExplainFixtures.SEED_LIMIT_BYTES;
        RunRecord r = ExplainFixtures.seedKilled(tool, new Datasets(tool, dir.resolve("data")), dir.resolve("run"), limit);
        assertThat(r.exitCode()).as(r.tail(5)).isEqualTo(128 + 9);
        Path log = Files.write(dir.resolve("train.log"), r.lines().stream().map(LogLine::text).toList());

        CliRun run = CliRun.of("explain", log.toString(), "--memory", "3GiB", "--format", "json");
        JsonNode x = new ObjectMapper().readTree(run.out());
        assertThat(x.get("killed").asBoolean()).as(run.err()).isTrue();
        assertThat(x.get("lastEvent").get("event").asText()).isEqualTo("update");
        assertThat(x.get("lastEvent").get("iteration").asInt()).isZero();
        assertThat(x.get("topShapesMatch").asBoolean()).isTrue();
        // the event it died in needs more than the cgroup; everything before it fit
        assertThat(x.get("billAtLastEventBytes").asLong()).isGreaterThan(limit);
        assertThat(x.get("heldBeforeBytes").asLong()).isLessThanOrEqualTo(limit);
        assertThat(x.get("fits").asBoolean()).isFalse();
        assertThat(run.exitCode()).isEqualTo(dev.caffemem.cli.ExitCodes.DOES_NOT_FIT);
    }

    private static boolean cgroupsWritable() {
        try {
            MemoryCage.create(1L << 30, "explain-check-" + ProcessHandle.current().pid()).close();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
