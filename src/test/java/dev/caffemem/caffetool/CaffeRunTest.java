package dev.caffemem.caffetool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.testing.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code caffe train} over real PNGs, recorded by {@link CaffeRun}: one iteration, a test pass
 * at iteration 0, the final snapshot. The net's one InnerProduct has 1024 x 12288 weights (48 MiB,
 * above glibc's 32 MiB mmap limit, so every copy of it is its own mapping and is returned on free):
 * the test net's copy is freed when the first test shares the train net's, and the snapshot's
 * RepeatedField of them grows by doubling (see src/caffe/blob.cpp ToProto). Both are visible only
 * because each phase's high-water is reset at its start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaffeRunTest {
    static final long WEIGHTS = 1024L * 3 * 64 * 64;
    static final long MIB = 1 << 20;

    @TempDir
    static Path dir;
    CaffeTool tool;
    RunRecord run;

    @BeforeAll
    void runOnce() throws IOException {
        tool = CaffeTool.get();
        Tiny.write(dir, "ImageData", "image_data_param", "train.txt", "test.txt", true);
        TestImages.write(dir.resolve("train"), 2, 80, 60, true, 2, 1);
        TestImages.write(dir.resolve("test"), 2, 80, 60, true, 2, 2);
        Files.move(dir.resolve("train/list.txt"), dir.resolve("train.txt"));
        Files.move(dir.resolve("test/list.txt"), dir.resolve("test.txt"));
        Files.writeString(dir.resolve("train.txt"), Files.readString(dir.resolve("train.txt")).replace("images/", "train/images/"));
        Files.writeString(dir.resolve("test.txt"), Files.readString(dir.resolve("test.txt")).replace("images/", "test/images/"));
        run = CaffeRun.train(tool, Path.of("solver.prototxt")).in(dir).run();
        assertThat(run.exitCode()).as(run.tail(15)).isZero();
    }

    @Test
    void phasesComeInTheOrderCaffeRunsThem() {
        assertThat(run.phases()).extracting(Phase::name).containsSubsequence("start", "train net init",
                "test net #0 init", "solve", "iter 0 test #0", "test outputs", "iter 0 update",
                "snapshot model (binaryproto)", "snapshot solverstate (binaryproto)", "done");
        assertThat(dir.resolve("snap/tiny_iter_1.caffemodel")).isRegularFile();
        assertThat(dir.resolve("snap/tiny_iter_1.solverstate")).isRegularFile();
    }

    @Test
    void theProcessPeakIsTheLargestPhaseHighWater() {
        assertThat(run.finalHwmBytes()).isEqualTo(run.peakPhase().hwmBytes());
        assertThat(run.peakPhase().name()).isEqualTo("snapshot model (binaryproto)");
        // sampled anonymous memory never exceeds the kernel's exact high-water of all resident memory
        assertThat(run.anonHighWaterBytes()).isLessThanOrEqualTo(run.finalHwmBytes());
        assertThat(run.fileAtAnonHighWaterBytes()).isPositive();
        assertThat(run.maxThreads()).as("main, prefetch threads of both nets").isGreaterThanOrEqualTo(3);
    }

    @Test
    void theFirstTestFreesTheTestNetsOwnWeights() {
        Phase solve = run.phase("solve").orElseThrow();
        Phase test = run.phase("iter 0 test #0").orElseThrow();
        // without a reset at "Testing net" the test phase's VmHWM could not be below the one before it
        assertThat(test.hwmBytes()).isLessThan(solve.hwmBytes());
        // by the end of the pass the 48 MiB are gone (its activations are 8 x 1024 floats)
        assertThat(solve.hwmBytes() - test.atEnd().vmRssBytes()).isGreaterThan(4 * WEIGHTS - 2 * MIB);
    }

    @Test
    void theSnapshotHoldsTheOldAndTheNewArrayAtItsLastDoubling() {
        List<Long> model = SnapshotArrays.model(dir.resolve("snap/tiny_iter_1.caffemodel"));
        List<Long> state = SnapshotArrays.state(dir.resolve("snap/tiny_iter_1.solverstate"));
        assertThat(model).containsExactly(WEIGHTS, 1024L);
        assertThat(state).containsExactly(WEIGHTS, 1024L);
        // 12,582,912 floats: capacities double 4, 8, ... 8,388,608, 16,777,216; at the last doubling the old
        // array and its copy are both resident: 64 MiB over the steady state
        assertThat(SnapshotHump.hump(model)).isEqualTo(8L * 8_388_608);
        // over the steady state (the update's high-water; a boundary may lie a few ms late, so not the RSS read
        // at the snapshot's line), and at most twice glibc's dynamic mmap threshold more, in freed heap arrays
        long rise = run.phase("snapshot model (binaryproto)").orElseThrow().hwmBytes()
                - run.phase("iter 0 update").orElseThrow().hwmBytes();
        assertThat(rise).isBetween(SnapshotHump.hump(model) - 2 * MIB,
                SnapshotHump.hump(state) + 2 * SnapshotHump.THRESHOLD_AFTER_16_MIB + 2 * MIB);
    }

    @Test
    void finalHighWaterIsWhatUsrBinTimeReports() {
        Prerequisites.requireExecutable(Path.of("/usr/bin/time"), "apt-get install time");
        RunRecord plain = CaffeRun.train(tool, Path.of("solver.prototxt")).in(dir).resetPeaks(false).underUsrBinTime().run();
        assertThat(plain.exitCode()).isZero();
        assertThat(plain.usrBinTimeMaxRssBytes()).isPresent();
        assertThat(plain.finalHwmBytes()).isCloseTo(plain.usrBinTimeMaxRssBytes().getAsLong(),
                org.assertj.core.data.Offset.offset(MIB));
        // and the same net's peak, measured with per-phase resets, is the same within run-to-run noise
        assertThat(run.finalHwmBytes()).isCloseTo(plain.finalHwmBytes(), org.assertj.core.data.Offset.offset(8 * MIB));
    }

    @Test
    void aMemoryCgroupBelowThePeakKillsItInTheSnapshot() {
        Prerequisites.require(cgroupsWritable(), "a writable memory cgroup (v1 memory controller or v2, run as root)");
        long limit = run.phase("iter 0 update").orElseThrow().hwmBytes() + 16 * MIB;
        RunRecord caged = CaffeRun.train(tool, Path.of("solver.prototxt")).in(dir).memoryLimit(limit).run();
        assertThat(caged.signal()).as(caged.tail(5)).hasValue(9);
        assertThat(caged.phases().get(caged.phases().size() - 1).name()).isEqualTo("snapshot model (binaryproto)");
        assertThat(caged.logged("Iteration 0, lr = ")).isTrue();
    }

    @Test
    void everyBoundaryIsTakenAfterGlogStampedItsLine() {
        List<LogLine> opening = run.lines().stream().filter(LogLine::opensPhase).toList();
        assertThat(opening).hasSize(run.phases().size() - 1);
        // the lag (how late a phase's edge may lie) is reported, not bounded: it depends on the machine's load
        assertThat(opening).allSatisfy(l -> assertThat(l.lagMicros().orElse(-1)).isNotNegative());
    }

    private static boolean cgroupsWritable() {
        try {
            dev.caffemem.probe.MemoryCage.create(1L << 30, "caffe-run-check-" + ProcessHandle.current().pid()).close();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
