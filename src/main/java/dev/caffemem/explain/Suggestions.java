package dev.caffemem.explain;

import dev.caffemem.fit.MaxBatch;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.model.SolverSettings;
import dev.caffemem.model.SolverType;
import dev.caffemem.net.NetException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The smallest changes that make a run's peak fit a memory: each of the train batch (the largest that fits, by
 * {@link MaxBatch}), the test nets' batch, a solver with fewer history buffers, and the snapshot settings, alone;
 * and when none fits alone, the snapshot's fix and the test batch first (neither changes what is learnt), then the
 * largest train batch, then SGD. Every figure is the estimate's peak of the changed run, evaluated, not scaled.
 */
final class Suggestions {
    private final EstimateRequest request;
    private final Estimate estimate;
    private final long limitBytes;

    private Suggestions(EstimateRequest request, Estimate estimate, long limitBytes) {
        this.request = request;
        this.estimate = estimate;
        this.limitBytes = limitBytes;
    }

    /**
     * The changes that fit, and the peak of the smallest run tried (batch 1, test batch 1, SGD, HDF5 snapshots):
     * the part no such change can shrink, said when nothing fits.
     */
    record Result(List<Suggestion> suggestions, long smallestPeakBytes) {
    }

    /** The changes that fit {@code limitBytes}; none when the run fits already or nothing does. */
    static Result of(EstimateRequest request, Estimate estimate, long limitBytes) {
        if (estimate.boundBytes() <= limitBytes) {
            return new Result(List.of(), -1);
        }
        Suggestions s = new Suggestions(request, estimate, limitBytes);
        return new Result(s.all(), s.smallest());
    }

    /** The peak with every change at its smallest. */
    private long smallest() {
        EstimateRequest r = request.withBatch(1);
        if (!estimate.testNets().isEmpty()) {
            r = withTestBatch(r, 1);
        }
        if (request.phase() == dev.caffemem.net.Phase.TRAIN) {
            r = hdf5(withSolver(r, r.solver().withType(SolverType.SGD)));
        }
        return peak(r);
    }

    private List<Suggestion> all() {
        List<Suggestion> out = new ArrayList<>();
        batch(request).ifPresent(b -> out.add(new Suggestion("batch", List.of(batchChange(b)), peak(request.withBatch(b)))));
        testBatch(request).ifPresent(b -> out.add(new Suggestion("testBatch", List.of(testBatchChange(b)),
                peak(withTestBatch(request, b)))));
        for (SolverType t : cheaperSolvers()) {
            EstimateRequest r = withSolver(request, request.solver().withType(t));
            if (fits(r)) {
                out.add(new Suggestion("solverType", List.of(new Suggestion.Change("type",
                        request.solver().type().caffeName(), t.caffeName())), peak(r)));
                break;
            }
        }
        SolverSettings.Schedule s = request.solver().schedule();
        if (snapshotsBinary()) {
            EstimateRequest r = hdf5(request);
            if (fits(r)) {
                out.add(new Suggestion("snapshotFormat", hdf5Changes(), peak(r)));
            }
        }
        if (request.phase() == dev.caffemem.net.Phase.TRAIN && s.finalSnapshot() && s.snapshotInterval() == 0) {
            EstimateRequest r = withSchedule(request, new SolverSettings.Schedule(s.maxIter(), s.testInterval(),
                    s.snapshotInterval(), false, s.hdf5(), s.snapshotDiff()));
            if (fits(r)) {
                out.add(new Suggestion("snapshotAfterTrain", List.of(new Suggestion.Change("snapshot_after_train",
                        "true", "false")), peak(r)));
            }
        }
        if (out.isEmpty()) {
            out.addAll(combined());
        }
        return out;
    }

    /**
     * When no change fits alone: the snapshot's fix first (it changes nothing that is learnt), then either the largest
     * train batch with the test batch as it is, or the test batch (as large as fits, else 1) and then the largest
     * train batch; SGD last, if neither fits.
     */
    private List<Suggestion> combined() {
        List<Suggestion> out = new ArrayList<>();
        List<Suggestion.Change> fix = new ArrayList<>();
        EstimateRequest base = request;
        if (snapshotsBinary()) {
            base = hdf5(base);
            fix.addAll(hdf5Changes());
        }
        withBatch(base, fix).ifPresent(out::add);
        if (!estimate.testNets().isEmpty()) {
            OptionalInt tb = testBatch(base);
            List<Suggestion.Change> changes = new ArrayList<>(fix);
            changes.add(testBatchChange(tb.orElse(1)));
            EstimateRequest r = withTestBatch(base, tb.orElse(1));
            if (tb.isPresent()) {
                out.add(new Suggestion("combined", changes, peak(r)));
            } else if (currentTestBatch() > 1) {
                withBatch(r, changes).ifPresent(out::add);
            }
            base = r;
            fix = changes;
        }
        if (out.isEmpty() && request.solver().type() != SolverType.SGD) {
            List<Suggestion.Change> changes = new ArrayList<>(fix);
            changes.add(new Suggestion.Change("type", request.solver().type().caffeName(), "SGD"));
            EstimateRequest r = withSolver(base, base.solver().withType(SolverType.SGD));
            if (fits(r)) {
                out.add(new Suggestion("combined", changes, peak(r)));
            } else {
                withBatch(r, changes).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The changes and then the largest train batch that fits with them, if one does. */
    private java.util.Optional<Suggestion> withBatch(EstimateRequest r, List<Suggestion.Change> changes) {
        OptionalInt b = batch(r);
        if (b.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<Suggestion.Change> all = new ArrayList<>(changes);
        all.add(batchChange(b.getAsInt()));
        return java.util.Optional.of(new Suggestion("combined", all, peak(r.withBatch(b.getAsInt()))));
    }

    /** The largest train batch below the run's that fits, if one does. */
    private OptionalInt batch(EstimateRequest r) {
        if (fits(r)) {
            return OptionalInt.empty();
        }
        OptionalInt b = MaxBatch.solve(r, limitBytes);
        return b.isPresent() && b.getAsInt() >= 1 && b.getAsInt() < estimate.batch() ? b : OptionalInt.empty();
    }

    /** The largest test batch below the run's that fits with the train batch as it is, if one does. */
    private OptionalInt testBatch(EstimateRequest r) {
        int current = currentTestBatch();
        if (current <= 1 || !fits(withTestBatch(r, 1))) {
            return OptionalInt.empty();
        }
        int lo = 1;
        int hi = current;
        while (hi - lo > 1) {
            int mid = lo + (hi - lo) / 2;
            if (fits(withTestBatch(r, mid))) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return OptionalInt.of(lo);
    }

    private int currentTestBatch() {
        return estimate.testNets().stream().mapToInt(Estimate.TestNetBill::batch).max().orElse(0);
    }

    /** Solvers with fewer CPU buffers than the run's, the closest first (the smallest change to what is learnt). */
    private List<SolverType> cheaperSolvers() {
        if (request.phase() != dev.caffemem.net.Phase.TRAIN) {
            return List.of();
        }
        int mine = buffers(request.solver().type());
        return java.util.Arrays.stream(SolverType.values()).filter(t -> buffers(t) < mine)
                .sorted(Comparator.comparingInt(Suggestions::buffers).reversed()).toList();
    }

    /** Parameter-sized buffers a solver's CPU update writes: history sets, update_, temp_. */
    private static int buffers(SolverType t) {
        return t.historySets() + (t.touchesUpdate(dev.caffemem.model.Mode.CPU) ? 1 : 0)
                + (t.touchesTemp(dev.caffemem.model.Mode.CPU) ? 1 : 0);
    }

    private boolean snapshotsBinary() {
        SolverSettings.Schedule s = request.solver().schedule();
        return request.phase() == dev.caffemem.net.Phase.TRAIN && s.snapshots() && !s.hdf5();
    }

    private List<Suggestion.Change> hdf5Changes() {
        List<Suggestion.Change> out = new ArrayList<>(List.of(new Suggestion.Change("snapshot_format", "BINARYPROTO",
                "HDF5")));
        if (request.solver().schedule().snapshotDiff()) {
            out.add(new Suggestion.Change("snapshot_diff", "true", "false"));
        }
        return out;
    }

    private Suggestion.Change batchChange(int b) {
        return new Suggestion.Change("batch_size (train net)", Integer.toString(estimate.batch()), Integer.toString(b));
    }

    private Suggestion.Change testBatchChange(int b) {
        return new Suggestion.Change("batch_size (test nets)", Integer.toString(currentTestBatch()), Integer.toString(b));
    }

    private static EstimateRequest hdf5(EstimateRequest r) {
        SolverSettings.Schedule s = r.solver().schedule();
        return withSchedule(r, new SolverSettings.Schedule(s.maxIter(), s.testInterval(), s.snapshotInterval(),
                s.snapshotAfterTrain(), true, false));
    }

    private boolean fits(EstimateRequest r) {
        OptionalLong p = bill(r);
        return p.isPresent() && p.getAsLong() <= limitBytes;
    }

    private long peak(EstimateRequest r) {
        return bill(r).orElse(Long.MAX_VALUE);
    }

    private static OptionalLong bill(EstimateRequest r) {
        try {
            return OptionalLong.of(Estimator.estimate(r).boundBytes());
        } catch (NetException e) {
            return OptionalLong.empty();
        }
    }

    private static EstimateRequest withTestBatch(EstimateRequest r, int b) {
        return new EstimateRequest(r.net(), r.phase(), r.mode(), r.solver(), r.train(), r.test().withBatch(b),
                r.testNetLoader(), r.stages(), r.retainedNetCopies(), r.gpu(), r.runtime());
    }

    private static EstimateRequest withSolver(EstimateRequest r, SolverSettings s) {
        return new EstimateRequest(r.net(), r.phase(), r.mode(), s, r.train(), r.test(), r.testNetLoader(), r.stages(),
                r.retainedNetCopies(), r.gpu(), r.runtime());
    }

    private static EstimateRequest withSchedule(EstimateRequest r, SolverSettings.Schedule schedule) {
        SolverSettings s = r.solver();
        return withSolver(r, new SolverSettings(s.type(), s.regularization(), s.weightDecay(), s.iterSize(),
                s.testNets(), s.testInitialization(), schedule, s.assumed()));
    }
}
