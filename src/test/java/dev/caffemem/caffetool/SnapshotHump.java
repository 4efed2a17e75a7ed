package dev.caffemem.caffetool;

import java.util.List;

/**
 * The resident high-water that writing one BINARYPROTO snapshot file adds, from its arrays' sizes.
 * Blob::ToProto appends element by element to a protobuf RepeatedField&lt;float&gt; (src/caffe/blob.cpp);
 * protobuf 3.7.1's Reserve grows its capacity to max(4, 2 x capacity) and copies the old array into the
 * new one before freeing it (google/protobuf/repeated_field.h). At the last growth of an array of n
 * elements, from capacity c (the largest 4 x 2^k below n) to 2c, the old array and the copied half of
 * the new one are both resident: 8c bytes, over the 4 x n bytes of every array filled before it. The
 * untouched upper half of a fresh mmapped array is not resident.
 */
public final class SnapshotHump {
    /** glibc's largest dynamic mmap threshold from a freed RepeatedField: the chunk of 4,194,304 floats. */
    public static final long THRESHOLD_AFTER_16_MIB = chunkBytes(4L * 4_194_304 + 8);

    private SnapshotHump() {
    }

    /** The capacity from which the last growth starts: the largest 4 x 2^k strictly below n (0 for n <= 4). */
    public static long capacityBefore(long n) {
        if (n <= 4) {
            return 0;
        }
        long c = 4;
        while (2 * c < n) {
            c *= 2;
        }
        return c;
    }

    /** max over arrays j of (4 x sum of earlier n + 8 x capacityBefore(n_j)), and at least 4 x all of them. */
    public static long hump(List<Long> arrays) {
        long filled = 0;
        long best = 0;
        for (long n : arrays) {
            best = Math.max(best, filled + 8 * capacityBefore(n));
            filled += 4 * n;
        }
        return Math.max(best, filled);
    }

    /**
     * The size of the chunk glibc maps for a malloc of this many bytes (request2size, then a page-rounded
     * mapping with its 8-byte header): what the dynamic mmap threshold becomes when it is freed.
     */
    public static long chunkBytes(long requestBytes) {
        long nb = (requestBytes + 8 + 15) & ~15L;
        return (nb + 8 + 4095) & ~4095L;
    }
}
