package dev.caffemem.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A log as lines, each either a glog line or plain text, read as a user's copy of it may come: with Windows line
 * endings, trailing spaces, and another tool's prefix before glog's header ({@code [stderr] }, a time stamp, a
 * container's name). A plain line that follows a glog line carries the same kind of prefix when the tool adds one
 * to every line (a DebugString block of a net or solver is one glog message over many lines), so that prefix is
 * taken off it too.
 */
final class LogLines {
    /**
     * glog's header: severity, month and day, time, thread id (right-aligned in 5 columns), source file and line
     * (glog's LogMessage::Init, src/logging.cc).
     */
    private static final Pattern GLOG = Pattern.compile(
            "([IWEF])(\\d{4}) (\\d\\d:\\d\\d:\\d\\d\\.\\d{6}) +(\\d+) ([^\\s:\\]]+):(\\d+)\\](?: (.*))?$");

    /** One line of the log. */
    record Line(int number, String text, GlogLine glog) {
        boolean isGlog() {
            return glog != null;
        }
    }

    private LogLines() {
    }

    /** Every line of {@code text}, numbered from 1, trailing white space and line endings removed. */
    static List<Line> of(String text) {
        List<Line> out = new ArrayList<>();
        String[] raw = text.split("\r\n|\n|\r", -1);
        int count = raw.length;
        if (count > 0 && raw[count - 1].isEmpty()) {
            count--;
        }
        Pattern prefix = null;
        for (int i = 0; i < count; i++) {
            String line = raw[i].stripTrailing();
            Matcher m = GLOG.matcher(line);
            if (m.find() && looksLikePrefix(line.substring(0, m.start()))) {
                prefix = m.start() == 0 ? null : generalize(line.substring(0, m.start()));
                out.add(new Line(i + 1, line, glog(i + 1, m)));
                continue;
            }
            if (prefix != null) {
                Matcher p = prefix.matcher(line);
                if (p.lookingAt()) {
                    line = line.substring(p.end());
                }
            }
            out.add(new Line(i + 1, line, null));
        }
        return out;
    }

    private static GlogLine glog(int number, Matcher m) {
        return new GlogLine(number, m.group(1).charAt(0), m.group(3), Long.parseLong(m.group(4)), m.group(5),
                Integer.parseInt(m.group(6)), m.group(7) == null ? "" : m.group(7));
    }

    /**
     * Whether what stands before a glog header is another tool's prefix rather than text that happens to quote a
     * log line in the middle of a sentence: short, and ending in white space, a bracket or a bar.
     */
    private static boolean looksLikePrefix(String before) {
        if (before.isEmpty()) {
            return true;
        }
        char last = before.charAt(before.length() - 1);
        return before.length() <= 80 && (Character.isWhitespace(last) || last == ']' || last == '|' || last == ':');
    }

    /**
     * The prefix as a pattern for the lines that follow: digits vary from line to line (time stamps, counters), the
     * rest is taken literally.
     */
    static Pattern generalize(String prefix) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < prefix.length()) {
            char c = prefix.charAt(i);
            if (Character.isDigit(c)) {
                while (i < prefix.length() && Character.isDigit(prefix.charAt(i))) {
                    i++;
                }
                re.append("\\d+");
                continue;
            }
            re.append(Pattern.quote(String.valueOf(c)));
            i++;
        }
        return Pattern.compile(re.toString());
    }
}
