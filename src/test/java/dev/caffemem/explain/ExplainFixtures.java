package dev.caffemem.explain;

import dev.caffemem.caffetool.CaffeRun;
import dev.caffemem.caffetool.CaffeTool;
import dev.caffemem.caffetool.Datasets;
import dev.caffemem.caffetool.LogLine;
import dev.caffemem.caffetool.PeakCase;
import dev.caffemem.caffetool.PeakCases;
import dev.caffemem.caffetool.RunDir;
import dev.caffemem.caffetool.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Makes the logs of src/test/resources/dev/caffemem/explain/ with BVLC's own {@code caffe} (see the README
 * there): each is the real stderr of one {@code caffe train}, as a user's console or log file holds it. Used by
 * scripts/explain-fixtures.sh; progress on stderr.
 *
 * <p>Arguments: WORK_DIR OUT_DIR [fixture ...] (none: all). Fixtures: {@code seed-killed-3GiB},
 * {@code seed-ulimit}, {@code autoencoder-finished}, {@code autoencoder-test} (after autoencoder-finished, from its
 * snapshot; with and without the stage the net needs).
 */
public final class ExplainFixtures {
    static final long SEED_LIMIT_BYTES = 3L << 30;
    /** {@code ulimit -v} for the seed, in KiB: malloc fails before the first iteration's gradients are all there. */
    static final long SEED_ULIMIT_KIB = 2_400_000;

    private ExplainFixtures() {
    }

    public static void main(String[] args) throws IOException {
        Path work = Path.of(args[0]).toAbsolutePath();
        Path out = Path.of(args[1]).toAbsolutePath();
        List<String> wanted = List.of(args).subList(2, args.length);
        CaffeTool tool = CaffeTool.get();
        Datasets sets = new Datasets(tool, work.resolve("data"));
        Files.createDirectories(out);
        if (wanted.isEmpty() || wanted.contains("seed-killed-3GiB")) {
            RunRecord r = seedKilled(tool, sets, work.resolve("seed-killed"), SEED_LIMIT_BYTES);
            write(out.resolve("seed-killed-3GiB.log"), r);
        }
        if (wanted.isEmpty() || wanted.contains("seed-ulimit")) {
            RunRecord r = seedUlimit(tool, sets, work.resolve("seed-ulimit"));
            write(out.resolve("seed-ulimit-" + SEED_ULIMIT_KIB + "KiB.log"), r);
        }
        if (wanted.isEmpty() || wanted.contains("autoencoder-finished")) {
            RunRecord r = autoencoder(tool, sets, work.resolve("autoencoder"));
            write(out.resolve("autoencoder-finished.log"), r);
        }
        if (wanted.isEmpty() || wanted.contains("autoencoder-test")) {
            write(out.resolve("autoencoder-test.log"), autoencoderTest(tool, work.resolve("autoencoder"), true));
            write(out.resolve("autoencoder-test-no-stage.log"), autoencoderTest(tool, work.resolve("autoencoder"), false));
        }
    }

    /**
     * The seed example with the example's own solver (examples/seed/solver.prototxt: SGD, a test pass at iteration
     * 0, 100,000 iterations), over one real 580x420 PNG per phase, in a memory cgroup of {@code limitBytes}. It runs
     * under bash, as a user's shell would run it, so that the log ends with the shell's report of the kill.
     */
    static RunRecord seedKilled(CaffeTool tool, Datasets sets, Path dir, long limitBytes) throws IOException {
        PeakCase seed = PeakCases.all().get(0);
        RunDir.prepare(seed, sets, dir);
        Files.copy(Path.of("examples", "seed", "solver.prototxt"), dir.resolve("solver.prototxt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.err.println("explain-fixtures: the seed in a " + limitBytes + "-byte memory cgroup ...");
        RunRecord r = CaffeRun.of(shell(tool, "caffe train --solver=solver.prototxt")).in(dir)
                .memoryLimit(limitBytes).timeout(Duration.ofMinutes(5)).run();
        System.err.println("explain-fixtures: seed: exit " + r.exitCode() + ", " + r.lines().size() + " lines");
        return r;
    }

    /**
     * The seed example as in {@link #seedKilled}, under bash's {@code ulimit -v} (address space, as clusters set it):
     * malloc returns null, and Caffe's CaffeMallocHost aborts with "Check failed: *ptr host allocation of size N
     * failed" (include/caffe/syncedmem.hpp).
     */
    static RunRecord seedUlimit(CaffeTool tool, Datasets sets, Path dir) throws IOException {
        PeakCase seed = PeakCases.all().get(0);
        RunDir.prepare(seed, sets, dir);
        Files.copy(Path.of("examples", "seed", "solver.prototxt"), dir.resolve("solver.prototxt"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.err.println("explain-fixtures: the seed under ulimit -v " + SEED_ULIMIT_KIB + " ...");
        RunRecord r = CaffeRun.of(shell(tool, "ulimit -v " + SEED_ULIMIT_KIB + "; caffe train --solver=solver.prototxt"))
                .in(dir).timeout(Duration.ofMinutes(5)).run();
        System.err.println("explain-fixtures: seed-ulimit: exit " + r.exitCode() + ", " + r.lines().size() + " lines");
        return r;
    }

    /**
     * mnist_autoencoder (AdaDelta, two test nets with test_state stages, BINARYPROTO snapshots) over a 48-record
     * MNIST-sized LMDB, run to its end: 4 iterations, displayed each, a test pass every 2, a snapshot every 2.
     */
    static RunRecord autoencoder(CaffeTool tool, Datasets sets, Path dir) throws IOException {
        PeakCase c = PeakCases.all().stream().filter(p -> p.id().equals("autoencoder")).findFirst().orElseThrow();
        Path solver = RunDir.prepare(c, sets, dir);
        String text = Files.readString(solver).lines()
                .filter(l -> !l.matches("^(max_iter|display|test_interval|snapshot|snapshot_after_train):.*"))
                .collect(Collectors.joining("\n", "", "\n"))
                + "max_iter: 4\ndisplay: 1\ntest_interval: 2\nsnapshot: 2\n";
        Files.writeString(solver, text);
        System.err.println("explain-fixtures: the autoencoder, 4 iterations ...");
        RunRecord r = CaffeRun.of(shell(tool, "caffe train --solver=solver.prototxt")).in(dir)
                .timeout(Duration.ofMinutes(5)).run();
        System.err.println("explain-fixtures: autoencoder: exit " + r.exitCode() + ", " + r.lines().size() + " lines");
        return r;
    }

    /**
     * {@code caffe test} of the autoencoder's last snapshot (left by {@link #autoencoder} in {@code dir}): its
     * test-on-test net (a stage, as the solver's second test net), 2 forward passes. Without the stage the TEST
     * net has no data layer, and Caffe aborts while building it (insert_splits.cpp: "Unknown bottom blob").
     */
    static RunRecord autoencoderTest(CaffeTool tool, Path dir, boolean stage) {
        System.err.println("explain-fixtures: caffe test of the autoencoder's snapshot ...");
        RunRecord r = CaffeRun.of(shell(tool, "caffe test --model=train_val.prototxt "
                + "--weights=snap/autoencoder_iter_4.caffemodel --iterations=2"
                + (stage ? " --stage=test-on-test" : ""))).in(dir)
                .timeout(Duration.ofMinutes(5)).run();
        System.err.println("explain-fixtures: autoencoder-test: exit " + r.exitCode() + ", " + r.lines().size() + " lines");
        return r;
    }

    /** bash running the command as a child (not exec'd), so that it reports a signal that ends it. */
    private static List<String> shell(CaffeTool tool, String command) {
        return List.of("bash", "-c", "PATH='" + tool.caffe().getParent() + "':\"$PATH\"; " + command + "; exit $?");
    }

    private static void write(Path file, RunRecord r) throws IOException {
        Files.write(file, r.lines().stream().map(LogLine::text).toList());
        System.err.println("explain-fixtures: wrote " + file);
    }
}
