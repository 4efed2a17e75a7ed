package dev.caffemem.probe;

import dev.caffemem.compare.PointResult;
import dev.caffemem.memory.Timeline;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the child between the phases of a point's run: its resident memory at the end of each phase (what is
 * held) and its peak resident memory during it (VmHWM, reset when the phase begins), both as growth over the
 * point's baseline, as the model's timeline counts them (resident, not merely allocated).
 */
final class PhaseMeter {
    private final long allocatorBaseline;
    private final long residentBaseline;
    private final List<PointResult.PhaseReading> readings = new ArrayList<>();
    private long started;

    /** Takes the baseline now and starts the first phase. */
    PhaseMeter() {
        allocatorBaseline = GlibcMalloc.inUseBytes();
        residentBaseline = RssReader.residentBytes();
        begin();
    }

    long allocatorBaseline() {
        return allocatorBaseline;
    }

    void begin() {
        RssReader.resetPeak();
        started = System.nanoTime();
    }

    /** Ends the current phase with a reading. */
    void end(Timeline.Phase phase) {
        double seconds = (System.nanoTime() - started) / 1e9;
        readings.add(new PointResult.PhaseReading(phase, RssReader.residentBytes() - residentBaseline,
                RssReader.peakBytes() - residentBaseline, seconds));
    }

    /** Runs {@code work} as one phase. */
    void phase(Timeline.Phase phase, Runnable work) {
        begin();
        work.run();
        end(phase);
    }

    List<PointResult.PhaseReading> readings() {
        return readings;
    }
}
