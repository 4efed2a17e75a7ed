package dev.caffemem.report.chart;

import dev.caffemem.memory.Component;
import dev.caffemem.model.Estimate;
import dev.caffemem.report.Units;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.CategoryTextAnnotation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/** Where the memory goes: one horizontal bar per layer (the heaviest), stacked by component, each labelled. */
public final class LayerChart {
    static final int WIDTH = 960;

    private LayerChart() {
    }

    /** A category: the bar's label, kept apart from another bar that happens to read the same. */
    private record Key(int index, String label) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            return Integer.compare(index, o.index);
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * Bars that gather many layers (or the test nets) may dwarf every single layer: then the axis ends a little
     * past the heaviest single layer, those bars run off the scale and their figures move into their axis label.
     */
    static final double OFF_SCALE_RATIO = 2.5;

    public static Chart of(Estimate e) {
        List<LayerBars.Bar> bars = LayerBars.of(e);
        Set<Component> present = EnumSet.noneOf(Component.class);
        bars.forEach(b -> present.addAll(b.bytes().keySet()));
        long max = bars.stream().mapToLong(LayerBars.Bar::totalBytes).max().orElse(0);
        long heaviestLayer = bars.stream().filter(b -> b.layers() == 1).mapToLong(LayerBars.Bar::totalBytes).max()
                .orElse(max);
        long cap = max > OFF_SCALE_RATIO * heaviestLayer ? Math.round(1.3 * heaviestLayer) : max;
        ByteScale scale = ByteScale.of(cap);
        long total = e.totalBytes();
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < bars.size(); i++) {
            LayerBars.Bar b = bars.get(i);
            keys.add(new Key(i, b.totalBytes() > cap ? b.label() + ": " + figure(b.totalBytes(), total) + " \u25b8"
                    : b.label()));
        }
        for (Component c : present) {
            for (int i = 0; i < bars.size(); i++) {
                data.addValue(scale.value(bars.get(i).bytes().getOrDefault(c, 0L)), c.label(), keys.get(i));
            }
        }
        StackedBarRenderer renderer = new StackedBarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        renderer.setMaximumBarWidth(0.08);
        int series = 0;
        for (Component c : present) {
            renderer.setSeriesPaint(series++, ChartStyle.color(c));
        }
        CategoryAxis layers = new CategoryAxis();
        layers.setTickLabelFont(ChartStyle.SMALL);
        layers.setTickLabelPaint(ChartStyle.TEXT);
        layers.setMaximumCategoryLabelWidthRatio(0.32f);
        layers.setCategoryMargin(0.25);
        layers.setAxisLineVisible(false);
        layers.setTickMarksVisible(false);
        NumberAxis memory = ChartStyle.bytesAxis("memory", scale);
        memory.setRange(0, Math.max(scale.value(cap) * 1.25, 1));
        CategoryPlot plot = new CategoryPlot(data, layers, memory, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeGridlinePaint(ChartStyle.GRID);
        for (int i = 0; i < bars.size(); i++) {
            long bytes = bars.get(i).totalBytes();
            if (bytes > cap) {
                continue;
            }
            CategoryTextAnnotation label = new CategoryTextAnnotation("  " + figure(bytes, total), keys.get(i),
                    scale.value(bytes));
            label.setTextAnchor(TextAnchor.CENTER_LEFT);
            label.setFont(ChartStyle.SMALL);
            label.setPaint(ChartStyle.TEXT);
            plot.addAnnotation(label);
        }
        int layerCount = e.layers().size();
        String title = bars.stream().filter(b -> b.layers() > 1).findAny()
                .map(b -> String.format(Locale.ROOT, "Where the memory goes: the %d heaviest of %d layers",
                        layerCount - b.layers(), layerCount))
                .orElse("Where the memory goes, layer by layer");
        JFreeChart chart = ChartStyle.chart(title, plot, true);
        return new Chart("layers", chart, WIDTH, 110 + 28 * bars.size());
    }

    /** "2.14 GiB (61.9%)": a bar's bytes and its share of the whole bill. */
    private static String figure(long bytes, long total) {
        return Units.bytes(bytes, false) + (total == 0 ? "" : " (" + Units.percent((double) bytes / total) + ")");
    }
}
