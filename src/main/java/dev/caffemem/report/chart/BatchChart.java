package dev.caffemem.report.chart;

import dev.caffemem.fit.LinearFit;
import dev.caffemem.report.Units;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Memory against the batch: lines, measured points, the limit and the largest batch that fits. */
public final class BatchChart {
    private static final Color[] MEASURED = {ChartStyle.MEASURED, ChartStyle.BLOBS};

    private BatchChart() {
    }

    public static Chart of(BatchView v) {
        int maxBatch = (int) Math.ceil(v.maxBatch() * 1.12) + 1;
        long maxBytes = v.limitBytes() == null ? 0 : v.limitBytes();
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        int s = 0;
        if (v.estimate() != null) {
            data.addSeries(line(v.estimateLabel(), v.estimate(), maxBatch));
            style(r, s++, ChartStyle.ESTIMATE, ChartStyle.LINE, false);
            maxBytes = Math.max(maxBytes, v.estimate().at(maxBatch));
        }
        for (int i = 0; i < v.measured().size(); i++) {
            BatchView.Measured m = v.measured().get(i);
            Color c = MEASURED[i % MEASURED.length];
            XYSeries points = new XYSeries(m.label().replace(", fitted", ""), false, true);
            for (LinearFit.Point p : m.points()) {
                points.add(p.batch(), p.bytes());
                maxBytes = Math.max(maxBytes, p.bytes());
            }
            data.addSeries(points);
            style(r, s, c, ChartStyle.LINE, true);
            r.setSeriesLinesVisible(s, false);
            r.setSeriesShape(s++, new Ellipse2D.Double(-4.5, -4.5, 9, 9));
            XYSeries fitted = line(m.label(), m.fit(), maxBatch);
            data.addSeries(fitted);
            style(r, s, c, ChartStyle.DASHED, false);
            r.setSeriesVisibleInLegend(s++, false);
            maxBytes = Math.max(maxBytes, m.fit().at(maxBatch));
        }
        XYSeries marks = new XYSeries("marked points", false, true);
        for (BatchView.Mark m : v.marks()) {
            marks.add(m.batch(), m.bytes());
            maxBytes = Math.max(maxBytes, m.bytes());
        }
        data.addSeries(marks);
        style(r, s, ChartStyle.TEXT, ChartStyle.LINE, true);
        r.setSeriesLinesVisible(s, false);
        r.setSeriesShape(s, new Rectangle2D.Double(-4, -4, 8, 8));
        r.setSeriesVisibleInLegend(s, false);
        ByteScale scale = ByteScale.of(maxBytes);
        scaleSeries(data, scale);
        NumberAxis batch = ChartStyle.integerAxis("batch");
        batch.setRange(0, maxBatch);
        NumberAxis memory = ChartStyle.bytesAxis("memory", scale);
        memory.setRange(0, Math.max(scale.value(maxBytes) * 1.1, 1));
        XYPlot plot = new XYPlot(data, batch, memory, r);
        plot.setDomainGridlinePaint(ChartStyle.GRID);
        plot.setRangeGridlinePaint(ChartStyle.GRID);
        addMarkLabels(plot, v, scale, maxBatch);
        addLimitAndLargestBatch(plot, v, scale);
        return new Chart(v.id(), ChartStyle.chart(v.title(), plot, true), LayerChart.WIDTH, 460);
    }

    /** Labels the marked points; marks at one batch (estimate and measurement at the target) share one label. */
    private static void addMarkLabels(XYPlot plot, BatchView v, ByteScale scale, int maxBatch) {
        Map<Integer, BatchView.Mark> byBatch = new LinkedHashMap<>();
        for (BatchView.Mark m : v.marks()) {
            byBatch.merge(m.batch(), m, (a, b) -> new BatchView.Mark(a.label() + "; " + b.label(), a.batch(),
                    Math.min(a.bytes(), b.bytes())));
        }
        for (BatchView.Mark m : byBatch.values()) {
            // below the point, on the side with room: the lines rise to the right, so the text stays off them
            boolean left = m.batch() < 0.6 * maxBatch;
            XYTextAnnotation label = new XYTextAnnotation(left ? "   " + m.label() : m.label() + "   ", m.batch(),
                    scale.value(m.bytes()));
            label.setTextAnchor(left ? TextAnchor.TOP_LEFT : TextAnchor.TOP_RIGHT);
            label.setFont(ChartStyle.SMALL);
            label.setPaint(ChartStyle.TEXT);
            plot.addAnnotation(label);
        }
    }

    private static void addLimitAndLargestBatch(XYPlot plot, BatchView v, ByteScale scale) {
        if (v.limitBytes() != null) {
            plot.addRangeMarker(marker(scale.value(v.limitBytes()), "limit " + Units.bytes(v.limitBytes(), false)
                    + " (" + v.limitLabel() + ")", ChartStyle.LIMIT, RectangleAnchor.TOP_LEFT, TextAnchor.BOTTOM_LEFT));
        }
        if (v.largestBatch() != null) {
            plot.addDomainMarker(marker(v.largestBatch(), "largest batch that fits: " + v.largestBatch(),
                    ChartStyle.FITS, RectangleAnchor.BOTTOM_LEFT, TextAnchor.BOTTOM_RIGHT));
        }
    }

    /** A fitted line as a series of its two ends. */
    private static XYSeries line(String label, LinearFit f, int maxBatch) {
        XYSeries s = new XYSeries(label, false, true);
        s.add(0, f.fixedBytes());
        s.add(maxBatch, f.fixedBytes() + f.perSampleBytes() * maxBatch);
        return s;
    }

    /** Bytes to the axis unit, once every value is known (the unit follows the largest). */
    private static void scaleSeries(XYSeriesCollection data, ByteScale scale) {
        for (int i = 0; i < data.getSeriesCount(); i++) {
            XYSeries s = data.getSeries(i);
            for (int j = 0; j < s.getItemCount(); j++) {
                s.updateByIndex(j, scale.value(s.getY(j).doubleValue()));
            }
        }
    }

    private static void style(XYLineAndShapeRenderer r, int series, Color c, java.awt.Stroke stroke, boolean shapes) {
        r.setSeriesPaint(series, c);
        r.setSeriesStroke(series, stroke);
        r.setSeriesShapesVisible(series, shapes);
        r.setSeriesShapesFilled(series, true);
    }

    private static ValueMarker marker(double at, String label, Color c, RectangleAnchor anchor, TextAnchor text) {
        ValueMarker m = new ValueMarker(at, c, new BasicStroke(1.5f));
        m.setLabel(label);
        m.setLabelFont(ChartStyle.LABEL);
        m.setLabelPaint(c);
        m.setLabelAnchor(anchor);
        m.setLabelTextAnchor(text);
        m.setLabelOffset(new RectangleInsets(4, 6, 4, 6));
        m.setLabelBackgroundColor(ChartStyle.LABEL_BACKGROUND);
        return m;
    }
}
