package dev.caffemem.report.chart;

import dev.caffemem.memory.Component;
import dev.caffemem.memory.MemoryBreakdown;
import dev.caffemem.model.Estimate;
import dev.caffemem.report.Units;
import java.awt.Color;
import java.awt.Paint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jfree.chart.annotations.CategoryTextAnnotation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The bill by component, largest first, each bar labelled with its bytes and its share of the total; on a GPU
 * each bar is split into device and host memory.
 */
public final class BreakdownChart {
    private static final Color DEVICE = new Color(0x4e, 0x79, 0xa7);
    private static final Color HOST = new Color(0xba, 0xb0, 0xac);

    private BreakdownChart() {
    }

    public static Chart of(Estimate e) {
        MemoryBreakdown all = e.breakdown();
        List<Component> shown = new ArrayList<>();
        for (Component c : Component.values()) {
            if (all.bytes(c) > 0) {
                shown.add(c);
            }
        }
        shown.sort(Comparator.comparingLong((Component c) -> all.bytes(c)).reversed());
        long max = shown.isEmpty() ? 0 : all.bytes(shown.get(0));
        ByteScale scale = ByteScale.of(max);
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        StackedBarRenderer r = new StackedBarRenderer();
        if (e.gpu() == null) {
            for (Component c : shown) {
                data.addValue(scale.value(all.bytes(c)), "bytes", c.label());
            }
            // one colour per component, as in the per-layer chart
            r = new StackedBarRenderer() {
                @Override
                public Paint getItemPaint(int row, int column) {
                    return ChartStyle.color(shown.get(column));
                }
            };
        } else {
            for (Component c : shown) {
                data.addValue(scale.value(e.gpu().device().bytes(c)), "device memory", c.label());
                data.addValue(scale.value(e.gpu().host().bytes(c)), "host memory", c.label());
            }
            r.setSeriesPaint(0, DEVICE);
            r.setSeriesPaint(1, HOST);
        }
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        r.setMaximumBarWidth(0.1);
        CategoryAxis components = new CategoryAxis();
        components.setTickLabelFont(ChartStyle.SMALL);
        components.setTickLabelPaint(ChartStyle.TEXT);
        components.setCategoryMargin(0.3);
        components.setAxisLineVisible(false);
        components.setTickMarksVisible(false);
        NumberAxis memory = ChartStyle.bytesAxis("memory", scale);
        memory.setUpperMargin(0.25);
        CategoryPlot plot = new CategoryPlot(data, components, memory, r);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeGridlinePaint(ChartStyle.GRID);
        long total = all.totalBytes();
        for (Component c : shown) {
            CategoryTextAnnotation label = new CategoryTextAnnotation("  " + Units.bytes(all.bytes(c), false) + " ("
                    + Units.percent((double) all.bytes(c) / total) + ")", c.label(), scale.value(all.bytes(c)));
            label.setTextAnchor(TextAnchor.CENTER_LEFT);
            label.setFont(ChartStyle.SMALL);
            label.setPaint(ChartStyle.TEXT);
            plot.addAnnotation(label);
        }
        String title = "By component: " + Units.bytes(total, false) + " in all";
        return new Chart("components", ChartStyle.chart(title, plot, e.gpu() != null), LayerChart.WIDTH,
                90 + 28 * shown.size() + (e.gpu() != null ? 30 : 0));
    }
}
