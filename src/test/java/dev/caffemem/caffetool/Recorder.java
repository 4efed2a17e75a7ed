package dev.caffemem.caffetool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bookkeeping of one watched process: phases opened by glog lines (the kernel's VmHWM read at each
 * boundary, then reset with {@code echo 5 > /proc/PID/clear_refs}, see fs/proc/task_mmu.c
 * clear_refs_write, CLEAR_REFS_MM_HIWATER_RSS), and samples of /proc/PID/status in between. The sampler
 * and the line reader share one lock, so a sample never straddles a boundary.
 */
final class Recorder {
    private final long pid;
    private final long startNanos;
    private final boolean resetPeaks;
    private final List<Phase> phases = new ArrayList<>();
    private final List<Sample> series = new ArrayList<>();
    private String name = "start";
    private long phaseStart;
    private ProcStatus atStart;
    private ProcStatus last;
    private long phaseHwm;
    private long phaseAnon;
    private long phaseRss;
    private long phaseFileAtAnon;
    private int phaseSamples;
    private long anonHighWater;
    private long fileAtAnonHighWater;
    private long maxFile;
    private int maxThreads;
    private int samples;
    private long lastNanos;

    Recorder(long pid, long startNanos, boolean resetPeaks) {
        this.pid = pid;
        this.startNanos = startNanos;
        this.resetPeaks = resetPeaks;
        this.atStart = new ProcStatus(0, 0, 0, 0, 0, 0);
        this.last = atStart;
    }

    long now() {
        return System.nanoTime() - startNanos;
    }

    /** One sample; false once the process has no memory left to read (it exited). */
    synchronized boolean sample() {
        Optional<ProcStatus> s = ProcStatus.read(pid);
        if (s.isEmpty()) {
            return false;
        }
        take(s.get());
        return true;
    }

    private void take(ProcStatus s) {
        last = s;
        lastNanos = now();
        series.add(new Sample(lastNanos, s.vmRssBytes(), s.rssAnonBytes(), s.rssFileBytes()));
        samples++;
        phaseSamples++;
        phaseHwm = Math.max(phaseHwm, s.vmHwmBytes());
        phaseRss = Math.max(phaseRss, s.vmRssBytes());
        if (s.rssAnonBytes() > phaseAnon) {
            phaseAnon = s.rssAnonBytes();
            phaseFileAtAnon = s.rssFileBytes();
        }
        if (s.rssAnonBytes() > anonHighWater) {
            anonHighWater = s.rssAnonBytes();
            fileAtAnonHighWater = s.rssFileBytes();
        }
        maxFile = Math.max(maxFile, s.rssFileBytes());
        maxThreads = Math.max(maxThreads, s.threads());
    }

    /** Closes the current phase at its exact high-water and opens {@code next} with a fresh one. */
    synchronized void boundary(String next) {
        Optional<ProcStatus> end = ProcStatus.read(pid);
        if (end.isEmpty()) {
            return;
        }
        take(end.get());
        close(end.get().vmHwmBytes());
        if (resetPeaks) {
            try {
                Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
            } catch (IOException e) {
                throw new IllegalStateException("cannot reset VmHWM through /proc/" + pid + "/clear_refs: " + e.getMessage(), e);
            }
        }
        Optional<ProcStatus> begin = ProcStatus.read(pid);
        name = next;
        phaseStart = now();
        atStart = begin.orElse(end.get());
        phaseHwm = 0;
        phaseAnon = 0;
        phaseRss = 0;
        phaseFileAtAnon = 0;
        phaseSamples = 0;
        begin.ifPresent(this::take);
    }

    /** After the process exited: the last phase ends with its last sampled high-water. */
    synchronized void finish() {
        close(phaseHwm);
    }

    private void close(long hwm) {
        phases.add(new Phase(name, phaseStart, lastNanos, atStart, hwm, phaseAnon, phaseRss, phaseFileAtAnon, last,
                phaseSamples));
    }

    synchronized List<Phase> phases() {
        return List.copyOf(phases);
    }

    synchronized List<Sample> series() {
        return List.copyOf(series);
    }

    synchronized long anonHighWaterBytes() {
        return anonHighWater;
    }

    synchronized long fileAtAnonHighWaterBytes() {
        return fileAtAnonHighWater;
    }

    synchronized long maxFileBytes() {
        return maxFile;
    }

    synchronized int maxThreads() {
        return maxThreads;
    }

    synchronized int samples() {
        return samples;
    }
}
