package dev.caffemem.report.chart;

import dev.caffemem.memory.Component;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Stroke;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

/**
 * One look for every chart: flat colours on white, light grid lines, the logical SansSerif font (JFreeSVG
 * writes it as the browser's sans-serif) and numbers formatted the same in every locale. Each component keeps
 * its colour in every chart; a component's data and its gradient are two shades of one hue.
 */
final class ChartStyle {
    static final Color TEXT = new Color(0x22, 0x22, 0x22);
    static final Color GRID = new Color(0xdd, 0xdd, 0xdd);
    static final Color LIMIT = new Color(0xc0, 0x1c, 0x28);
    static final Color FITS = new Color(0x1a, 0x7f, 0x37);
    static final Color ESTIMATE = new Color(0x1f, 0x5f, 0xa8);
    static final Color MEASURED = new Color(0xe0, 0x6c, 0x00);
    static final Color BLOBS = new Color(0x6a, 0x3d, 0x9a);
    static final Color BAND = new Color(0xf2, 0xf2, 0xf2);
    /** Behind marker labels: JFreeChart's default is grey; this lets the grid show through a little. */
    static final Color LABEL_BACKGROUND = new Color(255, 255, 255, 210);
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Stroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f);
    static final Stroke LINE = new BasicStroke(2f);

    /** Tableau-like pairs (dark for data, light for its gradient), then single colours for the rest. */
    private static final Map<Component, Color> COLORS = new EnumMap<>(Map.ofEntries(
            Map.entry(Component.ACTIVATION_DATA, new Color(0x4e, 0x79, 0xa7)),
            Map.entry(Component.ACTIVATION_DIFF, new Color(0xa0, 0xcb, 0xe8)),
            Map.entry(Component.PARAM_DATA, new Color(0xf2, 0x8e, 0x2b)),
            Map.entry(Component.PARAM_DIFF, new Color(0xff, 0xbe, 0x7d)),
            Map.entry(Component.SOLVER_STATE, new Color(0xe1, 0x57, 0x59)),
            Map.entry(Component.LAYER_BUFFERS, new Color(0x59, 0xa1, 0x4f)),
            Map.entry(Component.PREFETCH, new Color(0x8c, 0xd1, 0x7d)),
            Map.entry(Component.TEST_NET, new Color(0xb0, 0x7a, 0xa1)),
            Map.entry(Component.OVERHEAD, new Color(0xba, 0xb0, 0xac)),
            Map.entry(Component.WORKSPACE, new Color(0xed, 0xc9, 0x48)),
            Map.entry(Component.CUDA_CONTEXT, new Color(0x79, 0x70, 0x6e))));

    static {
        // charts are drawn into images and SVG only: never open a window (or a dock icon) for them
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // JFreeChart draws rotated text (the memory axis's label) through a TextLayout by default, a workaround
        // for old JDKs that JFreeSVG can only write as glyph outlines; drawn as a string it stays SVG text
        TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    private ChartStyle() {
    }

    static Color color(Component c) {
        return COLORS.get(c);
    }

    /** A chart around {@code plot} in this style, with its legend below when it has one. */
    static JFreeChart chart(String title, Plot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(title, TITLE, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.setPadding(new RectangleInsets(6, 6, 6, 12));
        TextTitle t = chart.getTitle();
        t.setPaint(TEXT);
        t.setPosition(RectangleEdge.TOP);
        t.setHorizontalAlignment(HorizontalAlignment.LEFT);
        LegendTitle l = chart.getLegend();
        if (l != null) {
            l.setItemFont(LABEL);
            l.setItemPaint(TEXT);
            l.setFrame(BlockBorder.NONE);
            l.setPosition(RectangleEdge.BOTTOM);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        return chart;
    }

    /** An axis in bytes shown in {@code scale}'s unit, its ticks formatted alike in every locale. */
    static NumberAxis bytesAxis(String what, ByteScale scale) {
        NumberAxis axis = new NumberAxis(scale.axisLabel(what));
        axis.setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
        axis.setAutoRangeIncludesZero(true);
        style(axis);
        return axis;
    }

    /** An axis of whole numbers (batches), formatted alike in every locale. */
    static NumberAxis integerAxis(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
        axis.setNumberFormatOverride(new DecimalFormat("0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        style(axis);
        return axis;
    }

    static void style(ValueAxis axis) {
        axis.setLabelFont(LABEL);
        axis.setLabelPaint(TEXT);
        axis.setTickLabelFont(SMALL);
        axis.setTickLabelPaint(TEXT);
        axis.setAxisLinePaint(GRID);
        axis.setTickMarkPaint(GRID);
    }
}
