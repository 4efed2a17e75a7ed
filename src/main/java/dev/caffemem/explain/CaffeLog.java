package dev.caffemem.explain;

import java.util.List;

/**
 * What a Caffe log says, read from its text: the solver and nets as Caffe printed them, each layer's top shapes,
 * the run's progress line by line, and how it ended. Plain data; {@link LogParser} reads it.
 *
 * @param fileName    the log's name, for messages
 * @param lineCount   its lines
 * @param command     which {@code caffe} command wrote it
 * @param solverBlock the "Initializing solver from parameters:" block, or null
 * @param nets        the nets whose setup it shows, in order
 * @param events      the progress lines, in order
 * @param glog        every glog line (their source positions tell the Caffe version)
 * @param fatal       the first fatal line (glog's F severity, e.g. "Check failed: ..."), or null
 * @param outOfMemory the first line that says an allocation failed, or null
 * @param killed      a line after the last glog line that reports the process killed (a shell's "Killed", the
 *                    kernel's "Killed process"), or null
 * @param gpu         whether the run said it used a GPU ("Use GPU with device ID", "Using GPUs")
 * @param finetuning  whether the run loaded trained weights ("Finetuning from", {@code caffe train --weights})
 * @param resumed     whether it resumed from a solver state ("Resuming from")
 */
public record CaffeLog(String fileName, int lineCount, Command command, LoggedNet.Block solverBlock, List<LoggedNet> nets,
                       List<LogEvent> events, List<GlogLine> glog, GlogLine fatal, Finding outOfMemory, Finding killed,
                       boolean gpu, boolean finetuning, boolean resumed) {

    /** The command that wrote the log. */
    public enum Command {
        /** {@code caffe train}: a solver, its train net and test nets. */
        TRAIN,
        /** {@code caffe test}: one net in TEST, forward passes. */
        TEST
    }

    /** A line of the log that matters, with its number. */
    public record Finding(int line, String text) {
    }

    public CaffeLog {
        nets = List.copyOf(nets);
        events = List.copyOf(events);
        glog = List.copyOf(glog);
    }

    /** The last glog line, or null when there is none. */
    public GlogLine lastGlog() {
        return glog.isEmpty() ? null : glog.get(glog.size() - 1);
    }

    /** The last progress line, or null. */
    public LogEvent lastEvent() {
        return events.isEmpty() ? null : events.get(events.size() - 1);
    }

    /** The logged net of a role ({@code testNet} for a solver's TEST net), or null. */
    public LoggedNet net(LoggedNet.Role role, int testNet) {
        for (LoggedNet n : nets) {
            if (n.role() == role && (role != LoggedNet.Role.TEST || n.testNet() == testNet)) {
                return n;
            }
        }
        return null;
    }

    /** The progress lines of one kind, in order. */
    public List<LogEvent> events(LogEvent.Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }

    /** The first and last training iteration the log names ({@code [-1, -1]} when none). */
    public long[] iterations() {
        long[] range = {-1, -1};
        for (LogEvent e : events) {
            boolean solver = switch (e.kind()) {
                case TEST_START, DISPLAY, UPDATE, SNAPSHOT_MODEL, FINAL_DISPLAY -> true;
                default -> false;
            };
            if (e.iteration() >= 0 && solver) {
                range[0] = range[0] < 0 ? e.iteration() : Math.min(range[0], e.iteration());
                range[1] = Math.max(range[1], e.iteration());
            }
        }
        return range;
    }

    /** Whether the run reached its end ("Optimization Done." or {@code caffe test}'s "Loss:"). */
    public boolean finished() {
        return events.stream().anyMatch(e -> e.kind() == LogEvent.Kind.DONE);
    }
}
