package dev.caffemem.fit;

import java.util.List;

/**
 * An ordinary least-squares line {@code bytes = fixed + perSample x batch} through measured points,
 * with its residual. With three or more points the residual says whether the points really lie on a
 * line; a component whose worst residual exceeds {@code tolerance} of its size is flagged nonlinear
 * rather than extrapolated silently.
 *
 * @param residualBytes the largest |measured - fitted| over the points
 */
public record LinearFit(double fixedBytes, double perSampleBytes, long residualBytes, int points) {

    /** One measurement: a batch and the bytes measured at it. */
    public record Point(int batch, long bytes) {
    }

    public static LinearFit of(List<Point> points) {
        if (points.size() < 2) {
            throw new IllegalArgumentException("a line needs at least two points, found " + points.size());
        }
        double n = points.size();
        double sx = 0;
        double sy = 0;
        for (Point p : points) {
            sx += p.batch();
            sy += p.bytes();
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
        return new LinearFit(intercept, slope, residual, points.size());
    }

    /** The fitted bytes at a batch, rounded. */
    public long at(int batch) {
        return Math.round(fixedBytes + perSampleBytes * batch);
    }

    /**
     * Whether the points lie on the line: always true for two points (nothing to check); otherwise the
     * worst residual is at most {@code tolerance} of the largest fitted value, or {@code floorBytes}.
     */
    public boolean linear(double tolerance, long floorBytes, int largestBatch) {
        if (points < 3) {
            return true;
        }
        return residualBytes <= Math.max(floorBytes, Math.round(tolerance * Math.abs(at(largestBatch))));
    }
}
