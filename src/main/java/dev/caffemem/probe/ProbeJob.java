package dev.caffemem.probe;

import java.util.List;

/**
 * What a probe child process is asked to run: a list of points, each a ready-to-run solver
 * prototxt (training) or net prototxt (inference) written by the parent. Plain data, no natives.
 *
 * @param quietUptimeMillis wait until the child JVM has been up this long before the first baseline,
 *                          so the JVM's own delayed start-up frees do not land inside a measurement
 * @param gpu               the GPU to run on (Caffe's GPU mode, device memory measured), or null for the CPU
 * @param calibrate         measure the GPU's overheads (a {@link Calibration} in {@code output}) instead of points
 */
public record ProbeJob(List<Point> points, long quietUptimeMillis, String output, Integer gpu, boolean calibrate) {

    public ProbeJob(List<Point> points, long quietUptimeMillis, String output) {
        this(points, quietUptimeMillis, output, null, false);
    }

    /**
     * One measurement.
     *
     * @param solverType Caffe's solver type name (SGD, Adam, ...) when training, else null
     * @param file       the solver prototxt (training) or the net prototxt (inference)
     * @param phaseTimings time forward, backward and update in a second, memory-neutral iteration
     * @param snapshot     write the snapshot after iteration 0 (to the solver's snapshot_prefix), as a phase
     */
    public record Point(int batch, String phase, String solverType, String file, boolean phaseTimings,
                        boolean snapshot) {
        public Point(int batch, String phase, String solverType, String file) {
            this(batch, phase, solverType, file, false, false);
        }
    }

    public ProbeJob {
        points = List.copyOf(points);
    }
}
