package dev.caffemem.fit;

import java.util.List;

/**
 * A line {@code bytes = fixed + perSample x batch}: the one line type of caffemem. The estimator's lines go
 * through two exact evaluations ({@link #through}); the probe's are least-squares lines through measured
 * points ({@link #of}), with their worst residual, which says whether the points really lie on a line.
 *
 * @param residualBytes the largest |measured - fitted| over the points (0 for a line through two points)
 * @param points        how many points the line was fitted through
 * @param largestBatch  the largest batch among them (where linearity is judged)
 */
public record LinearFit(double fixedBytes, double perSampleBytes, long residualBytes, int points, int largestBatch) {
    /** Linearity: the worst residual may be this fraction of the fitted value at the largest point... */
    public static final double LINEAR_TOLERANCE = 0.001;
    /** ...or this many bytes, whichever is larger. */
    public static final long LINEAR_FLOOR_BYTES = 64 * 1024;

    /** One measurement: a batch and the bytes measured at it. */
    public record Point(int batch, long bytes) {
    }

    /** The least-squares line through measured points (at least two, of at least two batches). */
    public static LinearFit of(List<Point> points) {
        if (points.size() < 2) {
            throw new IllegalArgumentException("a line needs at least two points, found " + points.size());
        }
        double n = points.size();
        double sx = 0;
        double sy = 0;
        int largest = Integer.MIN_VALUE;
        for (Point p : points) {
            sx += p.batch();
            sy += p.bytes();
            largest = Math.max(largest, p.batch());
        }
        double mx = sx / n;
        double my = sy / n;
        double sxx = 0;
        double sxy = 0;
        for (Point p : points) {
            sxx += (p.batch() - mx) * (p.batch() - mx);
            sxy += (p.batch() - mx) * (p.bytes() - my);
        }
        if (sxx == 0) {
            throw new IllegalArgumentException("the points need at least two different batches");
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        long residual = 0;
        for (Point p : points) {
            residual = Math.max(residual, Math.round(Math.abs(p.bytes() - (intercept + slope * p.batch()))));
        }
        return new LinearFit(intercept, slope, residual, points.size(), largest);
    }

    /** The line through two points of different batches (exact for bytes that are linear in the batch). */
    public static LinearFit through(Point a, Point b) {
        if (a.batch() == b.batch()) {
            throw new IllegalArgumentException("the points need two different batches");
        }
        double slope = (b.bytes() - (double) a.bytes()) / (b.batch() - a.batch());
        return new LinearFit(a.bytes() - slope * a.batch(), slope, 0, 2, Math.max(a.batch(), b.batch()));
    }

    /** A flat line: the same bytes at every batch. */
    public static LinearFit constant(long bytes) {
        return new LinearFit(bytes, 0, 0, 1, 1);
    }

    /** The same slope, moved to pass through {@code p} exactly (the point it is quoted at). */
    public LinearFit anchoredAt(Point p) {
        return new LinearFit(p.bytes() - perSampleBytes * p.batch(), perSampleBytes, residualBytes, points,
                largestBatch);
    }

    /** The fitted bytes at a batch, rounded. */
    public long at(int batch) {
        return Math.round(fixedBytes + perSampleBytes * batch);
    }

    /** The fixed part, rounded to a byte. */
    public long fixedRounded() {
        return Math.round(fixedBytes);
    }

    /**
     * Whether the points lie on the line: always true for two points (nothing to check); otherwise the worst
     * residual is at most {@link #LINEAR_TOLERANCE} of the fitted value at the largest point, or
     * {@link #LINEAR_FLOOR_BYTES}.
     */
    public boolean linear() {
        if (points < 3) {
            return true;
        }
        return residualBytes <= Math.max(LINEAR_FLOOR_BYTES, Math.round(LINEAR_TOLERANCE * Math.abs(at(largestBatch))));
    }
}
