package dev.caffemem.caffetool;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What one {@code caffe} run did to memory, as the kernel counted it.
 *
 * @param command                  the command line as started (with any cgroup or time wrapper)
 * @param lines                    every stderr line with its time
 * @param phases                   the phases in order; their high-waters together give the process's
 * @param exitCode                 the exit status (128 + N when a signal ended it)
 * @param signal                   the signal that ended it, if one did (9: the OOM killer, or the timeout)
 * @param timedOut                 whether the timeout ended it
 * @param anonHighWaterBytes       the largest RssAnon sampled: anonymous memory, what a cgroup cannot reclaim
 * @param fileAtAnonHighWaterBytes RssFile in that sample (libraries' and data files' resident pages)
 * @param maxFileBytes             the largest RssFile sampled
 * @param maxThreads               the most threads seen at once
 * @param series                   every /proc reading taken, in order
 * @param durationNanos            wall time from start to exit
 * @param usrBinTimeMaxRssBytes    /usr/bin/time's maximum resident set size, when run under it
 */
public record RunRecord(List<String> command, List<LogLine> lines, List<Phase> phases, int exitCode,
                        OptionalInt signal, boolean timedOut, long anonHighWaterBytes, long fileAtAnonHighWaterBytes,
                        long maxFileBytes, int maxThreads, List<Sample> series, long durationNanos,
                        OptionalLong usrBinTimeMaxRssBytes) {

    /**
     * The process's peak resident memory over its whole life (what /usr/bin/time -v reports as its
     * maximum resident set size): the largest phase high-water, since every phase's was read before
     * the counter was reset.
     */
    public long finalHwmBytes() {
        return phases.stream().mapToLong(Phase::hwmBytes).max().orElse(0);
    }

    /** The phase in which the process peaked. */
    public Phase peakPhase() {
        return phases.stream().max(Comparator.comparingLong(Phase::hwmBytes))
                .orElseThrow(() -> new IllegalStateException("no phase was recorded"));
    }

    /** The first phase with this name. */
    public Optional<Phase> phase(String name) {
        return phases.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The first phase whose name starts with this prefix. */
    public Optional<Phase> phaseStarting(String prefix) {
        return phases.stream().filter(p -> p.name().startsWith(prefix)).findFirst();
    }

    public boolean killed() {
        return signal.isPresent();
    }

    /**
     * The largest delay, in microseconds, between glog's time stamp on a line that opened a phase and the
     * moment it was read and the boundary taken: how far a phase's edge may lie late.
     */
    public long maxBoundaryLagMicros() {
        return lines.stream().filter(LogLine::opensPhase).mapToLong(l -> l.lagMicros().orElse(0)).max().orElse(0);
    }

    /** Whether some line's glog message contains this text. */
    public boolean logged(String text) {
        return lines.stream().anyMatch(l -> l.text().contains(text));
    }

    /** The last lines of stderr, for a failure message. */
    public String tail(int n) {
        StringBuilder b = new StringBuilder();
        lines.subList(Math.max(0, lines.size() - n), lines.size()).forEach(l -> b.append(l.text()).append('\n'));
        return b.toString();
    }

    /** The phases as a Markdown table, bytes exact. */
    public String phaseTable() {
        StringBuilder b = new StringBuilder(
                "| phase | start s | VmHWM | rise over start RSS | RssAnon peak (sampled) | RssFile at it | RSS at end |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        for (Phase p : phases) {
            b.append(String.format(Locale.ROOT, "| %s | %.3f | %,d | %,d | %,d | %,d | %,d |%n", p.name(),
                    p.startNanos() / 1e9, p.hwmBytes(), p.riseBytes(), p.anonPeakBytes(), p.fileAtAnonPeakBytes(),
                    p.atEnd().vmRssBytes()));
        }
        return b.toString();
    }

    /** One line: exit, peak, where, anonymous and file-backed parts. */
    public String summary() {
        Phase peak = peakPhase();
        return String.format(Locale.ROOT, "exit %d%s, VmHWM %,d B in \"%s\", RssAnon high-water %,d B (RssFile %,d B "
                        + "with it, at most %,d B), %d threads, %d samples, %.1f s",
                exitCode, signal.isPresent() ? " (signal " + signal.getAsInt() + ")" : "", finalHwmBytes(),
                peak.name(), anonHighWaterBytes, fileAtAnonHighWaterBytes, maxFileBytes, maxThreads, series.size(),
                durationNanos / 1e9);
    }
}
