package dev.caffemem.report.html;

import dev.caffemem.compare.ProbeReport;
import dev.caffemem.model.Estimate;
import dev.caffemem.net.Phase;
import dev.caffemem.report.Units;
import dev.caffemem.report.chart.BatchChart;
import dev.caffemem.report.chart.BatchView;
import dev.caffemem.report.chart.BreakdownChart;
import dev.caffemem.report.chart.Chart;
import dev.caffemem.report.chart.LayerBars;
import dev.caffemem.report.chart.LayerChart;
import dev.caffemem.report.chart.TimelineChart;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained HTML page: the verdict first, then the charts as inline SVG, then the tables. Everything
 * is inside the file (CSS, SVG; no script, font, image or link to fetch), so it opens offline, mails as one
 * attachment, and prints (see the print rules in report.css).
 */
public final class HtmlReport {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private HtmlReport() {
    }

    public static String render(Report r) {
        Estimate e = r.estimate();
        StringBuilder sb = new StringBuilder(256 * 1024);
        String title = "caffemem report: " + (e.netName().isEmpty() ? "net" : e.netName());
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>").append(Html.text(title)).append("</title>\n<style>\n").append(css())
                .append("</style>\n</head>\n<body>\n<main>\n<header>\n")
                .append(Html.element("h1", null, "Memory report: " + (e.netName().isEmpty() ? "net" : e.netName())))
                .append('\n').append(Html.element("p", "run", runLine(r))).append("\n</header>\n");
        verdict(sb, r);
        charts(sb, r);
        tables(sb, r);
        sb.append("<footer>").append(Html.text("Made by caffemem " + r.version() + " on " + WHEN.format(r.generated())
                + ". Every figure is an estimate of what Caffe 1.0 allocates, checked buffer by buffer against the real"
                + " Caffe (see the README's accuracy table).")).append("</footer>\n</main>\n</body>\n</html>\n");
        return sb.toString();
    }

    private static String runLine(Report r) {
        Estimate e = r.estimate();
        return String.format(Locale.ROOT, "%s, %s, batch %d%s", e.phase() == Phase.TRAIN ? "training" : "inference",
                e.gpu() != null ? "GPU (" + e.gpu().settings().name() + ")" : "CPU", e.batch(),
                e.phase() == Phase.TRAIN ? ", solver " + e.solver() : "");
    }

    private static void verdict(StringBuilder sb, Report r) {
        sb.append("<section class=\"verdict ").append(r.fits() ? "fits" : "nofit").append("\" id=\"verdict\">\n")
                .append(Html.element("h2", null, Verdict.headline(r))).append("\n<ul>\n");
        for (String s : Verdict.sentences(r)) {
            sb.append(Html.element("li", null, s)).append('\n');
        }
        sb.append("</ul>\n</section>\n");
    }

    private static void charts(StringBuilder sb, Report r) {
        Estimate e = r.estimate();
        ProbeReport p = r.probe();
        figure(sb, LayerChart.of(e), layersCaption(e));
        Integer largest = r.largestBatch().isPresent() ? r.largestBatch().getAsInt() : null;
        String batchCaption = "The bill grows linearly with the batch. The largest batch that fits comes from the "
                + "exact bill at each batch (glibc's page rounding included), not from the line.";
        if (p != null) {
            batchCaption += " The probe's points are what the real Caffe allocated for a dry run of the net (data "
                    + "layers as Input layers: no prefetch batches, and no test net unless asked), so they may sit "
                    + "below the full run's line by those.";
        }
        figure(sb, BatchChart.of(BatchView.of(e, r.limit().bytes(), r.limit().source(), largest, p)), batchCaption);
        if (p != null) {
            // the same points at their own scale: next to a large batch limit they crowd into a corner
            figure(sb, BatchChart.of(BatchView.of(p)), "The probe alone: what the real Caffe allocated at each "
                    + "point (glibc's count) and the blobs a census found, each with its fitted line carried to the "
                    + "target batch, where the estimate of the same dry run is marked.");
        }
        figure(sb, TimelineChart.of(r.timeline(), r.limit().bytes(), r.limit().source()),
                "What the process holds, event by event, and the most it held during each; the peak is marked.");
        figure(sb, BreakdownChart.of(e), e.gpu() != null
                ? "The bill by component, device and host memory apart."
                : "The bill by component, with its share of the total.");
    }

    private static String layersCaption(Estimate e) {
        List<LayerBars.Bar> bars = LayerBars.of(e);
        int gathered = bars.stream().filter(b -> b.layers() > 1).mapToInt(LayerBars.Bar::layers).sum();
        String layers = gathered == 0 ? "Each bar is one layer's buffers by component, heaviest first"
                : "Each bar is one layer's buffers by component: the " + (e.layers().size() - gathered)
                        + " heaviest layers one by one, the other " + gathered + " together";
        return layers + "; then what belongs to no layer of the net (its test nets, C++ objects, malloc's rounding). "
                + "The bars add up to the total. A bar marked \u25b8 runs off the scale; its figures are in its label.";
    }

    private static void figure(StringBuilder sb, Chart c, String caption) {
        sb.append("<figure id=\"chart-").append(c.id()).append("\">\n").append(c.svgElement()).append('\n')
                .append(Html.element("figcaption", null, caption)).append("\n</figure>\n");
    }

    private static void tables(StringBuilder sb, Report r) {
        Estimate e = r.estimate();
        sb.append("<section class=\"tables\">\n<h2>By component</h2>\n").append(HtmlTables.components(e))
                .append(Html.element("p", null, String.format(Locale.ROOT, "Total: %s = %s fixed + %s per sample x %d.",
                        Units.bytes(e.totalBytes(), false), Units.bytes(e.fixedTotal(), false),
                        Units.bytes(e.perSampleTotal(), false), e.batch()))).append('\n');
        Estimate.Peak peak = e.peak();
        sb.append("<h2>The run, event by event</h2>\n").append(HtmlTables.timeline(e))
                .append(Html.element("p", null, String.format(Locale.ROOT, "Peak: %s = %s fixed + %s per sample x %d.",
                        Units.bytes(peak.bytes(), false), Units.bytes(peak.fixedBytes(), false),
                        Units.bytes(peak.perSampleBytes(), false), e.batch()))).append('\n');
        if (!e.testNets().isEmpty()) {
            sb.append("<h2>Test nets</h2>\n").append(HtmlTables.testNets(e));
        }
        sb.append("<h2>By layer</h2>\n").append(HtmlTables.layers(e));
        if (r.probe() != null) {
            sb.append("<h2>Probe: measured in the real Caffe</h2>\n").append(HtmlTables.probePoints(r.probe()))
                    .append("<h2>Probe: at the target batch</h2>\n").append(HtmlTables.probeComparisons(r.probe()));
        }
        notes(sb, "Notes", e.notes());
        if (r.probe() != null) {
            notes(sb, "Probe notes", r.probe().notes());
        }
        sb.append("</section>\n");
    }

    private static void notes(StringBuilder sb, String heading, List<String> notes) {
        if (notes.isEmpty()) {
            return;
        }
        sb.append(Html.element("h2", null, heading)).append("\n<ul class=\"notes\">\n");
        notes.forEach(n -> sb.append(Html.element("li", null, n)).append('\n'));
        sb.append("</ul>\n");
    }

    private static String css() {
        try (InputStream in = HtmlReport.class.getResourceAsStream("report.css")) {
            if (in == null) {
                throw new IllegalStateException("report.css is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
