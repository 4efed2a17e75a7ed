package dev.caffemem.fit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caffemem.metrics.Requests;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.net.NetException;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The largest batch that fits is exact: bill(b) <= memory < bill(b + 1), on real nets and on a bill with a kink. */
class MaxBatchTest {

    /** The bill that must fit: the run's peak. */
    private static long bill(EstimateRequest r, int batch) {
        return Estimator.estimate(r.withBatch(batch)).boundBytes();
    }

    private static void assertExact(EstimateRequest r, long memory) {
        int b = MaxBatch.solve(r, memory).orElseThrow();
        assertThat(b).as("memory %d", memory).isPositive();
        assertThat(bill(r, b)).as("bill at %d", b).isLessThanOrEqualTo(memory);
        assertThat(bill(r, b + 1)).as("bill at %d", b + 1).isGreaterThan(memory);
    }

    @Test
    void seedExampleAtSeveralSizesIsExact() {
        EstimateRequest seed = Requests.seed();
        // the peak (the final snapshot, 1 GiB on top of the steady state) leaves no batch at 3 GiB
        assertThat(MaxBatch.solve(seed, 3L << 30)).hasValue(0);
        for (long gib : new long[] {4, 5, 16, 20}) {
            assertExact(seed, gib << 30);
        }
    }

    @Test
    void pastCaffesBlobLimitTheLargestBatchIsTheLastOneCaffeBuilds() {
        // at batch 720 the seed's conv1 top has more than INT_MAX elements: Caffe refuses it, whatever the memory
        EstimateRequest seed = Requests.seed();
        assertThat(MaxBatch.solve(seed, 64L << 30)).hasValue(719);
        assertThat(bill(seed, 719)).isLessThan(64L << 30);
        assertThatThrownBy(() -> bill(seed, 720)).isInstanceOf(NetException.class).hasMessageContaining("INT_MAX");
    }

    @Test
    void aMemoryOfExactlyTheBillAtBFitsBAndOneByteLessDoesNot() {
        EstimateRequest seed = Requests.seed();
        long at37 = bill(seed, 37);
        assertThat(MaxBatch.solve(seed, at37)).hasValue(37);
        assertThat(MaxBatch.solve(seed, at37 - 1)).hasValue(36);
        EstimateRequest tiny = Requests.train(Requests.TINY);
        long at1000 = bill(tiny, 1000);
        assertThat(MaxBatch.solve(tiny, at1000)).hasValue(1000);
        assertThat(MaxBatch.solve(tiny, at1000 - 1)).hasValue(999);
    }

    @Test
    void notEvenBatchOneIsZero() {
        EstimateRequest seed = Requests.seed();
        assertThat(MaxBatch.solve(seed, bill(seed, 1) - 1)).hasValue(0);
    }

    @Test
    void unlimitedMemoryStopsAtTheLargestBatchCaffeAccepts() {
        EstimateRequest tiny = Requests.train(Requests.TINY);
        int b = MaxBatch.solve(tiny, Long.MAX_VALUE).orElseThrow();
        assertThat(bill(tiny, b)).isPositive();
        assertThatThrownBy(() -> bill(tiny, b + 1)).isInstanceOf(NetException.class);
    }

    @Test
    void aKinkInTheBillIsFoundWhereALineWouldMissIt() {
        // 100 bytes per sample, but at batch 41 a buffer crosses glibc's mmap threshold and gains a page
        java.util.function.IntFunction<OptionalLong> kinked = b -> OptionalLong.of(1000 + 100L * b + (b > 40 ? 4096 : 0));
        long memory = 1000 + 100L * 70;
        // a line through batches 1 and 2 says (memory - 1000) / 100 = 70; the exact answer is lower
        assertThat(MaxBatch.solve(kinked, memory)).hasValue(40);
        assertThat(kinked.apply(40).getAsLong()).isLessThanOrEqualTo(memory);
        assertThat(kinked.apply(41).getAsLong()).isGreaterThan(memory);
    }

    @Test
    void takesLogarithmicallyManyEvaluations() {
        AtomicInteger calls = new AtomicInteger();
        OptionalInt b = MaxBatch.solve(x -> {
            calls.incrementAndGet();
            return OptionalLong.of(10L * x);
        }, 10L * 123_456_789);
        assertThat(b).hasValue(123_456_789);
        assertThat(calls.get()).isLessThanOrEqualTo(2 * 32);
    }

    @Test
    void aNetThatOnlyBuildsAtItsOwnBatchHasNoLargestBatch() {
        assertThat(MaxBatch.solve(x -> OptionalLong.empty(), 1L << 30)).isEmpty();
    }
}
