package dev.caffemem.report;

import java.util.Locale;

/** Byte counts for people (IEC units, KiB = 1024 B) or exact, and sizes parsed back from text. */
public final class Units {
    private static final String[] IEC = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Units() {
    }

    public static String bytes(long bytes, boolean exact) {
        if (exact) {
            return Long.toString(bytes);
        }
        double v = Math.abs((double) bytes);
        int unit = 0;
        while (v >= 1024 && unit < IEC.length - 1) {
            v /= 1024;
            unit++;
        }
        String sign = bytes < 0 ? "-" : "";
        if (unit == 0) {
            return sign + (long) v + " B";
        }
        return sign + String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, IEC[unit]);
    }

    /**
     * Parses "16GiB", "16 GB", "1.5TiB", "123456" (bytes). SI prefixes are powers of 1000, IEC of 1024.
     *
     * @throws IllegalArgumentException for what is not a size, or a size under one byte: every size given
     *                                  to caffemem is memory something must fit in
     */
    public static long parse(String text) {
        String t = text.trim().replace(" ", "");
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("expected a size like 16GiB, 500MB or 123456, found \"" + text + "\"");
        }
        double number = Double.parseDouble(t.substring(0, i));
        String unit = t.substring(i).toLowerCase(Locale.ROOT);
        double scale = switch (unit) {
            case "", "b" -> 1;
            case "k", "kb" -> 1e3;
            case "m", "mb" -> 1e6;
            case "g", "gb" -> 1e9;
            case "t", "tb" -> 1e12;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "tib" -> 1L << 40;
            default -> throw new IllegalArgumentException("unknown size unit \"" + t.substring(i)
                    + "\" in \"" + text + "\" (use B, KB, MB, GB, TB or KiB, MiB, GiB, TiB)");
        };
        long bytes = Math.round(number * scale);
        if (bytes <= 0) {
            throw new IllegalArgumentException("a size must be more than zero, found \"" + text + "\"");
        }
        return bytes;
    }

    public static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }
}
