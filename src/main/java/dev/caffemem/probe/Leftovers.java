package dev.caffemem.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What this process puts on the machine while it probes (child JVMs, temporary directories, memory
 * cgroups), registered as it is made, so that a shutdown hook removes whatever is still there when the
 * JVM is stopped by SIGTERM or SIGINT (Ctrl-C): the normal paths' {@code finally} blocks do not run then,
 * and a Caffe child would go on holding gigabytes with nobody to enforce its timeout.
 *
 * <p>Making and registering happen under one lock, and the hook takes it first and marks the process as
 * stopping: nothing can be made after the hook has looked, so nothing escapes it. SIGKILL of this process
 * cannot be caught; that is the one case left to the operator.
 */
public final class Leftovers {
    private static final Object LOCK = new Object();
    private static final Set<Process> CHILDREN = new LinkedHashSet<>();
    private static final Set<Path> CGROUPS = new LinkedHashSet<>();
    private static final Set<Path> DIRS = new LinkedHashSet<>();
    private static boolean stopping;

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(Leftovers::removeAll, "caffemem-leftovers"));
        } catch (IllegalStateException e) {
            stopping = true; // the JVM is already shutting down: nothing may be made from now on
        }
    }

    /** What a probe may create on the machine. */
    @FunctionalInterface
    public interface Maker<T> {
        T make() throws IOException;
    }

    private Leftovers() {
    }

    /** Whether the JVM is being stopped (a child that dies now was killed by the hook, not by the kernel). */
    public static boolean stopping() {
        synchronized (LOCK) {
            return stopping;
        }
    }

    /**
     * A new private temporary directory, {@code prefix} + this process's id + random, removed at shutdown if
     * still there. The id tells whose it is on a machine where several caffemem processes share /tmp.
     */
    public static Path tempDir(String prefix) throws IOException {
        return register(() -> Files.createTempDirectory(prefix + ProcessHandle.current().pid() + "-"), DIRS);
    }

    /** Deletes a directory made by {@link #tempDir} and everything in it; best effort. */
    public static void removeTempDir(Path dir) {
        deleteTree(dir);
        synchronized (LOCK) {
            DIRS.remove(dir);
        }
    }

    /** Starts a child process that the hook kills, with its descendants, if the JVM is stopped first. */
    static Process start(ProcessBuilder pb) throws IOException {
        return register(pb::start, CHILDREN);
    }

    static void ended(Process child) {
        synchronized (LOCK) {
            CHILDREN.remove(child);
        }
    }

    /** Makes a cgroup directory ({@code make} creates it and returns it) that the hook removes if still there. */
    static Path cgroup(Maker<Path> make) throws IOException {
        return register(make, CGROUPS);
    }

    static void cgroupRemoved(Path dir) {
        synchronized (LOCK) {
            CGROUPS.remove(dir);
        }
    }

    private static <T> T register(Maker<T> make, Set<T> into) throws IOException {
        synchronized (LOCK) {
            if (stopping) {
                throw new ProbeException(ProbeException.Kind.FAILED, "caffemem is stopping (SIGTERM or SIGINT)");
            }
            T made = make.make();
            into.add(made);
            return made;
        }
    }

    /** The shutdown hook: children first (a cgroup cannot go while it has processes), then cgroups, then files. */
    private static void removeAll() {
        List<Process> children;
        List<Path> cgroups;
        List<Path> dirs;
        synchronized (LOCK) {
            stopping = true;
            children = new ArrayList<>(CHILDREN);
            cgroups = new ArrayList<>(CGROUPS);
            dirs = new ArrayList<>(DIRS);
        }
        for (Process p : children) {
            // descendants first: once the child is gone, its own children are re-parented and out of reach
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : children) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Path cgroup : cgroups) {
            MemoryCage.remove(cgroup);
        }
        for (Path dir : dirs) {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: the tests that check cleanup report what is left
                }
            });
        } catch (IOException e) {
            // already gone
        }
    }
}
