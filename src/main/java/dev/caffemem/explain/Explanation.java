package dev.caffemem.explain;

import dev.caffemem.memory.Timeline;
import dev.caffemem.model.Estimate;
import java.util.List;

/**
 * Why a run ended where its log ends, and what would have fit: the answer {@code caffemem explain} prints. Plain data;
 * report/ExplainRenderer renders it.
 *
 * @param log                 the log as read
 * @param setup               the run it came from, as estimated
 * @param estimate            the estimate of that run (its timeline: the run's life)
 * @param versionDifferences  how the log differs from one Caffe 1.0 writes (empty: 1.0)
 * @param placement           where the log ends on the timeline
 * @param lastEvent           the event the log ends in (one of the placement's candidates)
 * @param billAtLastEventBytes what the process needs in that event: its high-water mark (the steady state for a later
 *                            iteration)
 * @param heldBeforeBytes     the most the process held before that event: it had at least this much memory
 * @param firstTouch          what that event writes for the first time
 * @param failedAllocation    the allocation the run died asking for, when Caffe logged its size; else null
 * @param peakLine            the log's line where the run's peak event begins, or -1 when the log does not reach it
 *                            or prints nothing there
 * @param steadyBytes         what training holds once every buffer is written (after iteration 0 and its tests)
 * @param memoryBytes         --memory, or null
 * @param shapes              the logged top shapes and figures against caffemem's
 * @param suggestions         the changes that fit --memory (or, for a killed run without it, what the process held
 *                            before the event it died in)
 * @param smallestPeakBytes   the peak of the smallest run the suggestions try (batch 1, test batch 1, SGD, HDF5
 *                            snapshots), or -1 when none were sought
 * @param notes               what the reader should know about the choices made
 */
public record Explanation(CaffeLog log, RunSetup setup, Estimate estimate, List<String> versionDifferences,
                          Placement placement, Timeline.Event lastEvent, long billAtLastEventBytes, long heldBeforeBytes,
                          FirstTouch firstTouch, FailedAllocation failedAllocation, int peakLine, long steadyBytes, Long memoryBytes, ShapeCheck shapes,
                          List<Suggestion> suggestions, long smallestPeakBytes, List<String> notes) {

    public Explanation {
        versionDifferences = List.copyOf(versionDifferences);
        suggestions = List.copyOf(suggestions);
        notes = List.copyOf(notes);
    }

    /** The process was killed: a shell or the kernel said so after its last line, or it died allocating. */
    public boolean killed() {
        return log.killed() != null;
    }

    /** The run stopped early: killed, a fatal check, or an allocation that failed. */
    public boolean stoppedEarly() {
        return killed() || log.fatal() != null || log.outOfMemory() != null;
    }

    public long peakBytes() {
        return estimate.boundBytes();
    }

    public Timeline.Event peakEvent() {
        return estimate.peak().event();
    }

    /** Whether the peak fits --memory; null without it. */
    public Boolean fits() {
        return memoryBytes == null ? null : peakBytes() <= memoryBytes;
    }

    /**
     * The memory the budget of the suggestions is: --memory, or for a run that died without it, what the process
     * held before the event it died in (it surely had that much); null when neither is known.
     */
    public Long limitBytes() {
        if (memoryBytes != null) {
            return memoryBytes;
        }
        return stoppedEarly() && heldBeforeBytes > 0 ? heldBeforeBytes : null;
    }
}
