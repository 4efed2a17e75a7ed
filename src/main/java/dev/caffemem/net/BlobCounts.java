package dev.caffemem.net;

/**
 * A layer type's blob-count contract ({@code Layer::CheckBlobCounts} in include/caffe/layer.hpp).
 * A negative bound means "no bound".
 *
 * @param autoTop {@code AutoTopBlobs()}: Net::Init adds anonymous tops up to the minimum
 */
public record BlobCounts(int minBottom, int maxBottom, int minTop, int maxTop, boolean autoTop,
                         boolean equalBottomTop) {

    public static BlobCounts exact(int bottoms, int tops) {
        return new BlobCounts(bottoms, bottoms, tops, tops, false, false);
    }

    public static BlobCounts range(int minBottom, int maxBottom, int minTop, int maxTop) {
        return new BlobCounts(minBottom, maxBottom, minTop, maxTop, false, false);
    }

    public BlobCounts withAutoTop() {
        return new BlobCounts(minBottom, maxBottom, minTop, maxTop, true, equalBottomTop);
    }

    public BlobCounts withEqualBottomTop() {
        return new BlobCounts(minBottom, maxBottom, minTop, maxTop, autoTop, true);
    }

    /** Returns a description of the violated bound, or null when the counts fit. */
    public String check(int bottoms, int tops) {
        String b = bound("bottom", bottoms, minBottom, maxBottom);
        if (b != null) {
            return b;
        }
        String t = bound("top", tops, minTop, maxTop);
        if (t != null) {
            return t;
        }
        if (equalBottomTop && bottoms != tops) {
            return "needs one top blob for each bottom blob, found " + bottoms + " bottoms and " + tops + " tops";
        }
        return null;
    }

    private static String bound(String what, int n, int min, int max) {
        if (min >= 0 && min == max && n != min) {
            return "takes exactly " + plural(min, what) + ", found " + n;
        }
        if (min >= 0 && n < min) {
            return "takes at least " + plural(min, what) + ", found " + n;
        }
        if (max >= 0 && n > max) {
            return "takes at most " + plural(max, what) + ", found " + n;
        }
        return null;
    }

    private static String plural(int n, String what) {
        return n + " " + what + " blob" + (n == 1 ? "" : "s");
    }
}
