package dev.caffemem.report.chart;

import dev.caffemem.compare.ProbeReport;
import dev.caffemem.model.Estimate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one chart that answers a command, for its {@code --plot FILE.svg|FILE.png}. Only a command given --plot
 * reaches this class, so only then are the chart library's classes loaded.
 */
public final class Plots {
    /** PNGs are drawn at twice the chart's size: sharp on high-density screens and in slides. */
    static final int PNG_SCALE = 2;

    private Plots() {
    }

    /**
     * {@code estimate}: where the memory goes, layer by layer and component by component. (Once the estimate
     * carries its timeline, issue 10, the run's timeline may answer better: it shows the peak.)
     */
    public static void estimate(Estimate e, Path file) {
        write(LayerChart.of(e), file);
    }

    /** {@code probe}: the measured points with their fitted lines, and the estimate at the target batch. */
    public static void probe(ProbeReport r, Path file) {
        write(BatchChart.of(BatchView.of(r)), file);
    }

    /**
     * {@code max-batch} (ready for it): the estimate's line, the memory limit and the largest batch that fits.
     *
     * @param largestBatch from {@link dev.caffemem.fit.MaxBatch}; 0 when not even batch 1 fits
     */
    public static void maxBatch(Estimate e, long limitBytes, String limitLabel, int largestBatch, Path file) {
        write(BatchChart.of(BatchView.of(e, limitBytes, limitLabel, largestBatch, null)), file);
    }

    /** Writes the chart in the format the file's name asks for; an I/O failure is an UncheckedIOException. */
    public static void write(Chart chart, Path file) {
        try {
            if (PlotFormat.of(file) == PlotFormat.SVG) {
                Files.writeString(file, chart.svgDocument(), StandardCharsets.UTF_8);
            } else {
                Files.write(file, chart.png(PNG_SCALE));
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
