package dev.caffemem.reality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** The agreement every reality test demands, with messages that say which net and what differed. */
final class RealityAssertions {
    /** Allocator-level agreement: 1% of glibc's count... */
    static final double ALLOCATOR_TOLERANCE = 0.01;
    /**
     * ...or this many bytes, whichever is larger: the bookkeeping model's noise floor (its fit leaves about
     * 1 KiB RMS per net), which dominates only for nets whose whole bill is under 800 KiB.
     */
    static final long ALLOCATOR_FLOOR_BYTES = 8 * 1024;

    private RealityAssertions() {
    }

    /** Every blob shape, Caffe's log figure, and every allocated net/param/history buffer, to the byte. */
    static void assertExact(RealityCheck.Outcome o) {
        assertThat(o.shapeMismatches()).as("blob shapes of %s", o.describe()).isEmpty();
        assertThat(o.estimatedCaffeLog()).as("Caffe's \"Memory required for data\" for %s", o.describe())
                .isEqualTo(o.realCaffeLog());
        assertThat(o.bufferMismatches()).as("allocated buffers of %s", o.describe()).isEmpty();
    }

    static void assertAllocatorWithin(RealityCheck.Outcome o, double tolerance) {
        long real = o.real().allocatorBytes();
        long allowed = Math.max(Math.round(tolerance * real), ALLOCATOR_FLOOR_BYTES);
        assertThat(Math.abs(o.estimatedAllocatorBytes() - real)).as("allocator-level error of %s: %s", o.describe(),
                RealityCheck.summary(o)).isLessThanOrEqualTo(allowed);
    }

    static void assertAll(List<RealityCheck.Outcome> outcomes) {
        for (RealityCheck.Outcome o : outcomes) {
            System.out.println(RealityCheck.summary(o));
        }
        for (RealityCheck.Outcome o : outcomes) {
            assertExact(o);
            assertAllocatorWithin(o, ALLOCATOR_TOLERANCE);
        }
    }
}
