package dev.caffemem.fit;

import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.net.NetException;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import java.util.OptionalLong;

/**
 * The largest batch whose analytical bill fits in a given memory: the bill is evaluated (exactly, by
 * {@link Estimator#estimate} with the batch overridden), doubling the batch until it no longer fits,
 * then bisecting between the last batch that fit and the first that did not. The result b satisfies
 * {@code bill(b) <= memory < bill(b + 1)}; glibc's page rounding and other kinks of the bill are in
 * it, which a straight line through fixed and per-sample bytes would miss. The bill is assumed not to
 * shrink as the batch grows (every buffer's size is nondecreasing in the batch).
 */
public final class MaxBatch {

    private MaxBatch() {
    }

    /**
     * @return the largest batch that fits, 0 when not even batch 1 does, or empty when the net cannot
     *         be estimated at batch 1 (a net that runs only at its own batch, e.g. a Reshape with an
     *         explicit batch dimension). A batch Caffe would refuse (a blob past INT_MAX elements)
     *         counts as not fitting.
     */
    public static OptionalInt solve(EstimateRequest request, long memory) {
        return solve(b -> {
            try {
                // the bill that must fit: host memory on the CPU, the root GPU's device memory on a GPU
                return OptionalLong.of(Estimator.estimate(request.withBatch(b)).boundBytes());
            } catch (NetException e) {
                return OptionalLong.empty();
            }
        }, memory);
    }

    /**
     * The search itself, over any nondecreasing bill.
     *
     * @param bill the bytes at a batch, or empty where the net cannot be built at that batch
     */
    static OptionalInt solve(IntFunction<OptionalLong> bill, long memory) {
        OptionalLong one = bill.apply(1);
        if (one.isEmpty()) {
            return OptionalInt.empty();
        }
        if (one.getAsLong() > memory) {
            return OptionalInt.of(0);
        }
        long fits = 1;      // bill(fits) <= memory
        long tooLarge = 2;  // bill(tooLarge) > memory, once found; Integer.MAX_VALUE + 1 stands for "none"
        while (tooLarge <= Integer.MAX_VALUE && fitsIn(bill, (int) tooLarge, memory)) {
            fits = tooLarge;
            tooLarge = Math.min(tooLarge * 2, Integer.MAX_VALUE + 1L);
        }
        while (tooLarge - fits > 1) {
            long mid = fits + (tooLarge - fits) / 2;
            if (fitsIn(bill, (int) mid, memory)) {
                fits = mid;
            } else {
                tooLarge = mid;
            }
        }
        return OptionalInt.of((int) fits);
    }

    private static boolean fitsIn(IntFunction<OptionalLong> bill, int batch, long memory) {
        OptionalLong bytes = bill.apply(batch);
        return bytes.isPresent() && bytes.getAsLong() <= memory;
    }
}
