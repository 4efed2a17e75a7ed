package dev.caffemem.probe;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads a probe child's stderr: progress lines go to a listener, Caffe's glog lines are kept (the
 * last few hundred) to explain a failure, and everything is echoed when the user asked for Caffe's log.
 */
final class ChildLog {
    private static final int KEEP = 400;
    private static final java.util.regex.Pattern PROGRESS = java.util.regex.Pattern.compile("point=(\\d+) phase=(.*)");
    private final Deque<String> tail = new ArrayDeque<>();
    private final Consumer<String> progress;
    private final Consumer<String> echo;
    /** The last progress line's point (0: the child itself, before its points) and phase. */
    private int point;
    private String phase = "";

    ChildLog(Consumer<String> progress, Consumer<String> echo) {
        this.progress = progress;
        this.echo = echo;
    }

    synchronized void line(String line) {
        if (line.startsWith("@progress ")) {
            String what = line.substring("@progress ".length());
            java.util.regex.Matcher m = PROGRESS.matcher(what);
            if (m.matches()) {
                point = Integer.parseInt(m.group(1));
                phase = m.group(2);
            }
            if (what.endsWith("phase=build")) {
                // a new point: what Caffe logged for earlier points no longer explains a failure
                tail.clear();
            }
            progress.accept(what);
            return;
        }
        if (echo != null) {
            echo.accept(line);
        }
        tail.addLast(line);
        if (tail.size() > KEEP) {
            tail.removeFirst();
        }
    }

    /** glog's fatal line: {@code F1129 00:12:34.567890 12345 net.cpp:123] Check failed: ...}. */
    synchronized Optional<String> fatalLine() {
        return tail.stream().filter(l -> l.length() > 1 && l.charAt(0) == 'F' && Character.isDigit(l.charAt(1)))
                .reduce((a, b) -> b).map(ChildLog::message);
    }

    /**
     * Where the child was when it ended, to follow "killed" or "aborted": the layer being set up while a
     * point builds its net, else the phase. The warm-up builds a net of its own before the first point, and
     * its layers are not the user's.
     */
    synchronized String where() {
        if (point == 0) {
            return phase.isEmpty() ? "" : " during the child's " + phase + ", before the first point";
        }
        if (phase.equals("build")) {
            return lastLayer().map(l -> " while setting up layer \"" + l + "\"").orElse(" while building the net");
        }
        return " during the point's " + phase;
    }

    /** The layer Caffe was setting up last ("Creating Layer x" / "Setting up x"), if its log shows one. */
    synchronized Optional<String> lastLayer() {
        String found = null;
        for (String l : tail) {
            String m = message(l);
            for (String prefix : new String[] {"Creating Layer ", "Setting up ", "Creating layer "}) {
                if (m.startsWith(prefix)) {
                    found = m.substring(prefix.length()).trim();
                }
            }
        }
        return Optional.ofNullable(found);
    }

    /** Why a GPU child found no usable GPU (its {@code @no-gpu} line), if it said so. */
    synchronized Optional<String> noGpu() {
        return tail.stream().filter(l -> l.startsWith(ProbeWorker.NO_GPU_PREFIX))
                .map(l -> l.substring(ProbeWorker.NO_GPU_PREFIX.length())).reduce((a, b) -> b);
    }

    /** A Java exception's first line, for failures outside Caffe. */
    synchronized Optional<String> javaError() {
        return tail.stream().filter(l -> l.startsWith("Exception in thread") || l.startsWith("Caused by:"))
                .reduce((a, b) -> b);
    }

    private static String message(String glogLine) {
        int bracket = glogLine.indexOf("] ");
        return bracket > 0 && bracket < 60 ? glogLine.substring(bracket + 2) : glogLine;
    }
}
