package dev.caffemem.caffetool;

/**
 * One phase of a {@code caffe} process's life, from the glog line that opened it to the next.
 *
 * @param name             e.g. "train net init", "iter 0 test #0", "snapshot model (binaryproto)"
 * @param startNanos       when its opening line was read, from the process's start
 * @param endNanos         when the next phase opened, or the last reading before the process exited
 * @param atStart          /proc/PID/status right after the high-water was reset for this phase
 * @param hwmBytes         VmHWM read when the phase ended: the exact RSS high-water inside the phase
 *                         (the kernel's counter, reset at the phase's start)
 * @param anonPeakBytes    the largest RssAnon sampled inside the phase (a lower bound of its anonymous peak)
 * @param rssPeakBytes     the largest VmRSS sampled inside the phase
 * @param fileAtAnonPeakBytes RssFile in the sample that gave anonPeakBytes
 * @param atEnd            the last status read inside the phase
 * @param samples          how many samples fell inside it
 */
public record Phase(String name, long startNanos, long endNanos, ProcStatus atStart, long hwmBytes, long anonPeakBytes,
                    long rssPeakBytes, long fileAtAnonPeakBytes, ProcStatus atEnd, int samples) {

    /** The rise of the high-water over the RSS the phase started from: what the phase itself added at its peak. */
    public long riseBytes() {
        return hwmBytes - atStart.vmRssBytes();
    }
}
