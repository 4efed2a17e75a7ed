package dev.caffemem.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A memory cgroup made for one probe child, under this process's own cgroup, with a hard limit: the
 * child then lives with the target machine's RAM, and the kernel OOM-kills it (SIGKILL) when it
 * would not fit. Works with cgroup v2 (memory.max) and the v1 memory controller
 * (memory.limit_in_bytes, and memory.memsw.limit_in_bytes where swap accounting is on).
 */
public final class MemoryCage implements AutoCloseable {
    private final Path dir;
    private final boolean v2;

    private MemoryCage(Path dir, boolean v2) {
        this.dir = dir;
        this.v2 = v2;
    }

    /** Creates the cgroup, or explains why it cannot; removed at shutdown if still there (see {@link Leftovers}). */
    public static MemoryCage create(long limitBytes, String name) {
        Optional<CgroupPaths> own = CgroupPaths.own();
        if (own.isEmpty()) {
            throw new ProbeException(ProbeException.Kind.UNSUPPORTED, "--memory-limit needs a memory cgroup (v1 memory "
                    + "controller or v2), and none was found in /proc/self/cgroup");
        }
        Path dir = own.get().dir().resolve(name);
        MemoryCage cage = null;
        try {
            cage = new MemoryCage(Leftovers.cgroup(() -> Files.createDirectory(dir)), own.get().v2());
            cage.limit(limitBytes);
            return cage;
        } catch (IOException e) {
            if (cage != null) {
                cage.close();
            }
            throw new ProbeException(ProbeException.Kind.UNSUPPORTED, "--memory-limit cannot create a cgroup at " + dir
                    + ": " + e.getMessage() + " (it needs a writable cgroup hierarchy, e.g. running as root outside a "
                    + "read-only container)");
        }
    }

    private void limit(long bytes) throws IOException {
        if (v2) {
            Files.writeString(dir.resolve("memory.max"), Long.toString(bytes));
            if (Files.exists(dir.resolve("memory.swap.max"))) {
                Files.writeString(dir.resolve("memory.swap.max"), "0");
            }
        } else {
            Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(bytes));
            if (Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) {
                Files.writeString(dir.resolve("memory.memsw.limit_in_bytes"), Long.toString(bytes));
            }
        }
    }

    /** The kernel's OOM kills inside this cgroup so far, or -1 where it does not count them. */
    long oomKills() {
        return Machine.counter(dir.resolve(v2 ? "memory.events" : "memory.oom_control"), "oom_kill");
    }

    /** A shell prefix that moves the process into the cgroup before exec'ing the command. */
    public List<String> wrap(List<String> command) {
        StringBuilder sh = new StringBuilder("echo $$ > '").append(dir.resolve("cgroup.procs")).append("' && exec");
        for (String arg : command) {
            sh.append(" '").append(arg.replace("'", "'\\''")).append('\'');
        }
        return List.of("/bin/sh", "-c", sh.toString());
    }

    @Override
    public void close() {
        remove(dir);
        Leftovers.cgroupRemoved(dir);
    }

    /** Removes a cgroup directory, waiting a little for its last process to be gone. */
    static void remove(Path dir) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException e) {
                // the kernel keeps a cgroup busy until its last process is gone
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
