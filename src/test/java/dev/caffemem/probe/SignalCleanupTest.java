package dev.caffemem.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caffemem.testing.Prerequisites;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 8, D2: a real {@code caffemem probe} process (the bundled example, so the seed directory is there
 * too) is sent SIGTERM or SIGINT at several phases; afterwards no process of its tree, no temporary
 * directory (its java.io.tmpdir is a private one here) and no memory cgroup of its own may be left.
 */
class SignalCleanupTest {

    /**
     * @param signal TERM or INT
     * @param phase  "seed" (the bundled example is extracted, no child yet), or the text of a progress line
     * @param caged  whether the child runs in a --memory-limit cgroup
     * @param group  whether the signal goes to the whole process group, as Ctrl-C in a terminal sends it (the
     *               child then gets it too); caffemem runs in a group of its own for that (setsid)
     */
    @ParameterizedTest(name = "SIG{0} at \"{1}\", cgroup {2}, to the group {3}")
    @CsvSource({
        "TERM, seed, false, false",
        "INT, seed, false, false",
        "TERM, child: load, false, false",
        "INT, child: warm-up, false, false",
        "TERM, point 1/2 (batch 1): step, false, false",
        "INT, point 1/2 (batch 1): step, false, false",
        "TERM, point 1/2 (batch 1): build, true, false",
        "INT, point 1/2 (batch 1): census, true, false",
        "INT, point 1/2 (batch 1): step, false, true"})
    void nothingIsLeftBehind(String signal, String phase, boolean caged, boolean group, @TempDir Path tmp)
            throws Exception {
        if (caged) {
            Prerequisites.require(cgroupsWritable(), "a writable memory cgroup (run as root with the cgroup hierarchy mounted read-write)");
        }
        List<String> cmd = new ArrayList<>();
        if (group) {
            Prerequisites.requireExecutable(Path.of("/usr/bin/setsid"), "apt-get install util-linux");
            cmd.add("/usr/bin/setsid"); // not a group leader when Java starts it, so it execs in place: same pid
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                "dev.caffemem.cli.Main", "probe", "--points", "1,2"));
        if (caged) {
            cmd.addAll(List.of("--memory-limit", "8GiB"));
        }
        Process probe = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> err = new ArrayList<>();
        Thread reader = new Thread(() -> read(probe, err));
        reader.setDaemon(true);
        reader.start();
        Prerequisites.require(signal.equals("TERM") || !ignores(probe.pid(), 2), "SIGINT is not ignored in this process tree (a shell started "
                + "the build in the background, which makes its children ignore SIGINT): run mvn in the foreground");

        waitForPhase(probe, tmp, phase, err);
        Set<Long> tree = probe.descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        if (!phase.equals("seed")) {
            assertThat(tree).as("the probe child, running at " + phase).isNotEmpty();
        }
        signal(group ? -probe.pid() : probe.pid(), signal);
        // a bound for a hang, not a timing assertion: the hook itself waits at most 10 s for the child
        assertThat(probe.waitFor(120, TimeUnit.SECONDS)).as("caffemem stops on SIG" + signal).isTrue();
        reader.join(10_000);

        assertThat(probe.exitValue()).as(String.join("\n", snapshot(err)))
                .isEqualTo(128 + (signal.equals("TERM") ? 15 : 2));
        for (long pid : tree) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process " + pid + " of the tree").isEmpty();
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("files left in java.io.tmpdir").isEmpty();
        }
        assertThat(cgroupsOf(probe.pid())).as("memory cgroups left").isEmpty();
    }

    /**
     * Issue 8, D8: a child killed with kill -9 (here, at two phases) was said to be "most likely" the OOM
     * killer's victim, and during the warm-up the layer named was the warm-up net's, not the user's.
     */
    @ParameterizedTest(name = "kill -9 at \"{0}\"")
    @CsvSource(delimiter = ';', value = {
        "child: warm-up; during the child's warm-up, before the first point",
        "point 1/2 (batch 1): step; point 1/2 (batch 1): the probe child was killed by SIGKILL, not from the kernel's OOM killer"})
    void aChildKilledFromOutsideIsNotBlamedOnTheOomKiller(String phase, String said, @TempDir Path tmp) throws Exception {
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), "dev.caffemem.cli.Main", "probe",
                "--points", "1,2").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> err = new ArrayList<>();
        Thread reader = new Thread(() -> read(probe, err));
        reader.setDaemon(true);
        reader.start();
        waitForPhase(probe, tmp, phase, err);
        List<ProcessHandle> children = probe.children().toList();
        assertThat(children).hasSize(1);
        signal(children.get(0).pid(), "KILL");
        assertThat(probe.waitFor(120, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        assertThat(probe.exitValue()).isEqualTo(11);
        List<String> lines = snapshot(err).stream().filter(l -> l.startsWith("caffemem: ")).toList();
        assertThat(lines).singleElement().asString()
                .contains("killed by SIGKILL, not from the kernel's OOM killer", "something outside caffemem killed it", said)
                .doesNotContain("setting up layer");
    }

    private static void waitForPhase(Process probe, Path tmp, String phase, List<String> err) throws Exception {
        while (true) {
            assertThat(probe.isAlive()).as("the probe ended before " + phase + ": " + snapshot(err)).isTrue();
            if (phase.equals("seed") ? seedExtracted(tmp) : snapshot(err).stream().anyMatch(l -> l.contains(phase + ","))) {
                return;
            }
            Thread.sleep(phase.equals("seed") ? 5 : 50);
        }
    }

    private static boolean seedExtracted(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith("caffemem-seed-")
                    && Files.exists(p.resolve("solver.prototxt")));
        }
    }

    private static void read(Process p, List<String> into) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (into) {
                    into.add(line);
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    private static List<String> snapshot(List<String> lines) {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** kill(1) as the shell's builtin (the JDK sends only SIGTERM and SIGKILL); a negative pid is a group. */
    private static void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " -- " + pid).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    /** Whether a process ignores a signal (its SigIgn mask in /proc). */
    private static boolean ignores(long pid, int signal) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (signal - 1))) != 0;
            }
        }
        return false;
    }

    /** The cgroups a caffemem process names after itself (caffemem-PID-...) beside this JVM's own. */
    private static List<String> cgroupsOf(long pid) throws IOException {
        var own = CgroupPaths.own();
        if (own.isEmpty()) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(own.get().dir())) {
            return dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("caffemem-" + pid + "-")).toList();
        }
    }

    private static boolean cgroupsWritable() {
        try {
            MemoryCage.create(1L << 30, "caffemem-check-" + ProcessHandle.current().pid()).close();
            return true;
        } catch (ProbeException e) {
            return false;
        }
    }
}
