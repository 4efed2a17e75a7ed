package dev.caffemem.report.chart;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.SVGHints;
import org.jfree.svg.ViewBox;

/**
 * A drawn chart and its size, written as SVG (text stays text: the browser renders it as selectable, searchable
 * words and numbers) or as PNG through Java2D. The same drawing code makes both.
 *
 * @param id     unique within a page: prefixes the SVG's clip-path ids, so several charts can share one page
 * @param width  in pixels (SVG user units)
 * @param height in pixels (SVG user units)
 */
public record Chart(String id, JFreeChart chart, int width, int height) {

    private SVGGraphics2D svg() {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        // a fixed prefix instead of JFreeSVG's time-based one: the same chart gives the same bytes
        g.setDefsKeyPrefix(id + "-");
        g.setRenderingHint(SVGHints.KEY_DRAW_STRING_TYPE, SVGHints.VALUE_DRAW_STRING_TYPE_STANDARD);
        chart.draw(g, new Rectangle(0, 0, width, height));
        return g;
    }

    /**
     * The SVG element to put inside an HTML page: no width or height, only a view box, so that CSS sizes it
     * to the column (and to the paper when printed).
     */
    public String svgElement() {
        return svg().getSVGElement(id, false, new ViewBox(0, 0, width, height), null, null);
    }

    /** A standalone SVG file: its natural size, scalable through its view box. */
    public String svgDocument() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + svg().getSVGElement(id, true, new ViewBox(0, 0, width, height), null, null) + "\n";
    }

    /** A PNG of the chart at {@code scale} times its size (2 for sharp text on high-density screens). */
    public byte[] png(int scale) {
        BufferedImage image = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.scale(scale, scale);
            chart.draw(g, new Rectangle(0, 0, width, height));
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
