package dev.caffemem.report.chart;

import dev.caffemem.memory.Timeline;
import dev.caffemem.report.Units;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.annotations.XYPointerAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;

/**
 * The run event by event: what the process holds after each event (dark) and the most it held during it
 * (light), the stages of the run as shaded bands, the peak pointed at, and the limit. The OOM killer acts on
 * the peak, whenever it comes, so the peak is the number the limit is compared with.
 */
public final class TimelineChart {
    private static final Color HELD = new Color(0x4e, 0x79, 0xa7);
    private static final Color HIGH_WATER = new Color(0xa0, 0xcb, 0xe8);

    private TimelineChart() {
    }

    /**
     * @param limitBytes the memory limit, or null
     * @param limitLabel what the limit is, e.g. "--memory 11GiB"
     */
    public static Chart of(Timeline t, Long limitBytes, String limitLabel) {
        List<Timeline.Event> events = t.events();
        long max = Math.max(t.peakBytes(), limitBytes == null ? 0 : limitBytes);
        ByteScale scale = ByteScale.of(max);
        XYIntervalSeries high = new XYIntervalSeries("most held during the event");
        XYIntervalSeries held = new XYIntervalSeries("held after the event");
        for (int i = 0; i < events.size(); i++) {
            Timeline.Event e = events.get(i);
            high.add(i + 0.5, i, i + 1, scale.value(e.highWaterBytes()), 0, scale.value(e.highWaterBytes()));
            held.add(i + 0.5, i, i + 1, scale.value(e.heldBytes()), 0, scale.value(e.heldBytes()));
        }
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        data.addSeries(high);
        data.addSeries(held);
        XYBarRenderer r = new XYBarRenderer(events.size() > 40 ? 0 : 0.25);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        r.setSeriesPaint(0, HIGH_WATER);
        r.setSeriesPaint(1, HELD);
        NumberAxis x = new NumberAxis("the run, event by event");
        ChartStyle.style(x);
        x.setTickLabelsVisible(false);
        x.setTickMarksVisible(false);
        x.setRange(0, events.size());
        NumberAxis y = ChartStyle.bytesAxis("memory", scale);
        y.setRange(0, Math.max(scale.value(max) * 1.18, 1));
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setRangeGridlinePaint(ChartStyle.GRID);
        plot.setDomainGridlinesVisible(false);
        // held (series 1) over the high-water mark (series 0): XYPlot draws the last series first by default
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
        addStageBands(plot, events);
        Timeline.Event peak = t.peak();
        int at = events.indexOf(peak);
        XYPointerAnnotation pointer = new XYPointerAnnotation("peak " + Units.bytes(peak.highWaterBytes(), false)
                + ": " + peak.describe(), at + 0.5, scale.value(peak.highWaterBytes()),
                at + 0.5 < events.size() / 2.0 ? -Math.PI / 4 : -3 * Math.PI / 4);
        pointer.setTipRadius(3);
        pointer.setBaseRadius(28);
        pointer.setLabelOffset(4);
        pointer.setFont(ChartStyle.LABEL);
        pointer.setPaint(ChartStyle.TEXT);
        pointer.setArrowPaint(ChartStyle.TEXT);
        pointer.setTextAnchor(at + 0.5 < events.size() / 2.0 ? TextAnchor.BOTTOM_LEFT : TextAnchor.BOTTOM_RIGHT);
        plot.addAnnotation(pointer);
        if (limitBytes != null) {
            ValueMarker limit = new ValueMarker(scale.value(limitBytes), ChartStyle.LIMIT, new BasicStroke(1.5f));
            limit.setLabel("limit " + Units.bytes(limitBytes, false) + " (" + limitLabel + ")");
            limit.setLabelFont(ChartStyle.LABEL);
            limit.setLabelPaint(ChartStyle.LIMIT);
            limit.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            limit.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            limit.setLabelOffset(new RectangleInsets(4, 6, 4, 6));
            limit.setLabelBackgroundColor(ChartStyle.LABEL_BACKGROUND);
            plot.addRangeMarker(limit);
        }
        String title = events.size() == 1 ? "The run's timeline (steady state after one iteration)" : "The run's timeline";
        return new Chart("timeline", ChartStyle.chart(title, plot, true), LayerChart.WIDTH, 360);
    }

    /**
     * Runs of events of one stage (and iteration, and test net) as bands, every other one shaded, labelled
     * where the band is wide enough for its label. A single band gets no label: the peak's says the same.
     */
    private static void addStageBands(XYPlot plot, List<Timeline.Event> events) {
        List<int[]> bands = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= events.size(); i++) {
            if (i == events.size() || !sameStage(events.get(start), events.get(i))) {
                bands.add(new int[] {start, i});
                start = i;
            }
        }
        for (int k = 0; k < bands.size(); k++) {
            int from = bands.get(k)[0];
            int to = bands.get(k)[1];
            IntervalMarker m = new IntervalMarker(from, to, k % 2 == 0 ? ChartStyle.BAND : Color.WHITE);
            if (bands.size() > 1 && (to - from) * 12 >= events.size()) {
                Timeline.Event e = events.get(from);
                m.setLabel((e.iteration() >= 0 ? "iteration " + e.iteration() + ": " : "") + e.stage().label());
                m.setLabelFont(ChartStyle.SMALL);
                m.setLabelPaint(ChartStyle.TEXT);
                m.setLabelAnchor(RectangleAnchor.TOP);
                m.setLabelTextAnchor(TextAnchor.TOP_CENTER);
                m.setLabelBackgroundColor(ChartStyle.LABEL_BACKGROUND);
            }
            plot.addDomainMarker(m, Layer.BACKGROUND);
        }
    }

    private static boolean sameStage(Timeline.Event a, Timeline.Event b) {
        return a.stage() == b.stage() && a.iteration() == b.iteration() && a.testNet() == b.testNet();
    }
}
