package dev.caffemem.caffetool;

import java.time.LocalTime;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of the child's stderr.
 *
 * @param nanos          when it was read, from the process's start
 * @param readMicrosOfDay when it was read (and, if it opened a phase, the boundary taken), local wall-clock
 *                       time of day in microseconds, glog's clock
 * @param text           the line
 * @param opensPhase     whether it opened a phase
 */
public record LogLine(long nanos, long readMicrosOfDay, String text, boolean opensPhase) {
    private static final Pattern GLOG_TIME = Pattern.compile("^[IWEF]\\d{4} (\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{6}) ");

    /** The time of day glog stamped on the line, in microseconds; empty for lines that are not glog's. */
    public OptionalLong glogMicrosOfDay() {
        Matcher m = GLOG_TIME.matcher(text);
        if (!m.find()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(((Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))) * 60
                + Long.parseLong(m.group(3))) * 1_000_000L + Long.parseLong(m.group(4)));
    }

    /** How long after glog stamped it the line was read (and a phase boundary, if any, taken), in microseconds. */
    public OptionalLong lagMicros() {
        OptionalLong g = glogMicrosOfDay();
        return g.isPresent() ? OptionalLong.of(readMicrosOfDay - g.getAsLong()) : OptionalLong.empty();
    }

    static long nowMicrosOfDay() {
        LocalTime t = LocalTime.now();
        return t.toNanoOfDay() / 1000;
    }
}
