package dev.caffemem.model;

import dev.caffemem.memory.Timeline;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulated process's sense of time: every first touch and every free takes the next tick, and the
 * simulation marks where each event of the run ends. The timeline is computed from these ticks afterwards
 * (see {@link Timelines}), so that a part simulated once and reused (a test net) can be placed in time.
 */
final class Clock {

    /**
     * The end of an event: everything ticked before {@code end} (and after the previous mark) belongs to it.
     *
     * @param extraBytes bytes that come into existence with the event without a buffer of their own (the
     *                   net's C++ objects), on the host
     */
    record Mark(int end, Timeline.Stage stage, int iteration, int testNet, String subject, long extraBytes) {
    }

    private int now;
    private final List<Mark> marks = new ArrayList<>();
    /** Memory that comes and goes without a buffer of its own (a snapshot's protobuf arrays): tick, side, bytes. */
    private final List<Delta> deltas = new ArrayList<>();

    /** Bytes that become resident (positive) or are given back (negative) at a tick. */
    record Delta(int tick, dev.caffemem.memory.Side side, long bytes) {
    }

    int tick() {
        return now++;
    }

    int now() {
        return now;
    }

    /** {@code bytes} become resident on {@code side} now (negative: are given back). */
    void delta(dev.caffemem.memory.Side side, long bytes) {
        deltas.add(new Delta(tick(), side, bytes));
    }

    List<Delta> deltas() {
        return deltas;
    }

    /** Reserves {@code n} ticks for a part simulated elsewhere; returns the first. */
    int reserve(int n) {
        int first = now;
        now += n;
        return first;
    }

    void mark(Timeline.Stage stage, int iteration, int testNet, String subject) {
        mark(stage, iteration, testNet, subject, 0);
    }

    void mark(Timeline.Stage stage, int iteration, int testNet, String subject, long extraBytes) {
        marks.add(new Mark(now, stage, iteration, testNet, subject, extraBytes));
    }

    /** A mark made on another clock, moved into this one's time (see {@link TestNets}). */
    void add(Mark m) {
        marks.add(m);
    }

    List<Mark> marks() {
        return marks;
    }
}
