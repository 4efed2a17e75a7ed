package dev.caffemem.explain;

/**
 * One line glog wrote: {@code I0817 21:32:48.151892 11306 net.cpp:148] Top shape: 32 3 224 224 (4816896)}.
 *
 * @param number     the line's number in the log, from 1
 * @param severity   I, W, E or F (F: a fatal message, after which glog aborts the process)
 * @param time       the time of day glog stamped on it
 * @param thread     the id of the thread that logged it (prefetch threads have their own)
 * @param sourceFile the source file that logged it, e.g. {@code net.cpp}
 * @param sourceLine the line in that file: a Caffe version's fingerprint
 * @param message    the message, after glog's header
 */
public record GlogLine(int number, char severity, String time, long thread, String sourceFile, int sourceLine,
                       String message) {

    /** {@code net.cpp:129}. */
    public String position() {
        return sourceFile + ":" + sourceLine;
    }
}
