package dev.caffemem.report.chart;

import java.util.Locale;

/**
 * The unit a chart's memory axis counts in: the largest IEC unit (KiB = 1024 B) that the largest value
 * reaches, so that ticks read "1.5" on an axis labelled GiB rather than "1,610,612,736".
 *
 * @param unit    B, KiB, MiB, GiB or TiB
 * @param divisor bytes per unit
 */
public record ByteScale(String unit, long divisor) {
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    /** The scale for an axis whose largest value is {@code maxBytes}. */
    public static ByteScale of(long maxBytes) {
        int i = 0;
        long divisor = 1;
        while (i < UNITS.length - 1 && maxBytes >= divisor * 1024) {
            divisor *= 1024;
            i++;
        }
        return new ByteScale(UNITS[i], divisor);
    }

    /** Bytes in this unit. */
    public double value(long bytes) {
        return bytes / (double) divisor;
    }

    /** Bytes in this unit, from a fractional byte count (a fitted line's value). */
    public double value(double bytes) {
        return bytes / divisor;
    }

    /** The axis label, e.g. "memory (GiB)". */
    public String axisLabel(String what) {
        return String.format(Locale.ROOT, "%s (%s)", what, unit);
    }
}
