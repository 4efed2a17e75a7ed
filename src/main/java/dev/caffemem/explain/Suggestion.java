package dev.caffemem.explain;

import java.util.List;

/**
 * A change to the run that makes its peak fit, with the peak it leaves.
 *
 * @param kind      batch, testBatch, solverType, snapshotFormat, snapshotAfterTrain, or combined
 * @param changes   the settings to change, in order
 * @param peakBytes the run's peak with them
 */
public record Suggestion(String kind, List<Change> changes, long peakBytes) {

    /** One setting: where it is written, its value in the run, and the value that fits. */
    public record Change(String setting, String from, String to) {
        @Override
        public String toString() {
            return setting + ": " + from + " -> " + to;
        }
    }

    public Suggestion {
        changes = List.copyOf(changes);
    }
}
