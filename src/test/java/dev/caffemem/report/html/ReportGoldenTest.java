package dev.caffemem.report.html;

import dev.caffemem.metrics.Requests;
import dev.caffemem.report.Golden;
import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The report's page, sealed like the other outputs: the seed example's report at --memory 11GiB with a fixed
 * generation time, byte for byte, under a German default locale. The charts' SVG is left out of the golden file
 * (each chart stays as an empty svg element with its id): its coordinates come from the fonts Java finds on the
 * machine, and {@link ReportHtmlTest} and {@link dev.caffemem.report.chart.PlotTest} check what it says.
 */
class ReportGoldenTest {

    @Test
    void theSeedReportMatchesItsGoldenFile() throws Exception {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            Report r = Report.of(Requests.seed(), new Limit(11L << 30, "--memory 11GiB", true), null,
                    Instant.parse("2025-01-01T12:00:00Z"), "test");
            String html = HtmlReport.render(r).replaceAll("(?s)<svg id='([a-z]+)'.*?</svg>", "<svg id='$1'/>");
            Golden.check("report-seed.html", html);
        } finally {
            Locale.setDefault(before);
        }
    }
}
