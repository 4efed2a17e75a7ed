package dev.caffemem.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caffemem.cli.CliRun;
import dev.caffemem.report.Units;
import dev.caffemem.testing.HeadlessChromium;
import dev.caffemem.testing.Images;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report in a real browser (headless Chromium, over the DevTools protocol): it renders on a laptop-sized
 * window with no console error and no request beyond its own file, its screenshot is not blank, it prints, and
 * its text holds the verdict and the very numbers {@code estimate --format json} gives for the same run.
 */
class ReportBrowserTest {
    private static final String SEED = "examples/seed/solver.prototxt";
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 800;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void startChromium() throws Exception {
        chromium = HeadlessChromium.start(WIDTH, HEIGHT);
    }

    @AfterAll
    static void stopChromium() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static JsonNode estimateJson(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("estimate", "--solver", SEED, "--format", "json"));
        args.addAll(List.of(extra));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isIn(0, 1);
        return new ObjectMapper().readTree(r.out());
    }

    /** The page's text holds the number as a number of its own (not inside a longer one). */
    private static void assertHoldsNumber(String text, long n, String what) {
        assertThat(Pattern.compile("(?<![0-9])" + n + "(?![0-9])").matcher(text).find())
                .as("%s = %d in the page's text", what, n).isTrue();
    }

    @Test
    void theSeedReportRendersCleanlyAndHoldsTheJsonsNumbers(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        CliRun run = CliRun.of("report", "--solver", SEED, "--memory", "11GiB", "-o", html.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = estimateJson();

        chromium.open(html);
        assertThat(chromium.consoleProblems()).as("console errors and warnings").isEmpty();
        assertThat(chromium.requests()).as("nothing fetched but the file itself")
                .containsExactly(html.toAbsolutePath().toUri().toString());

        BufferedImage shot = Images.decode(chromium.screenshot());
        assertThat(shot.getWidth()).isEqualTo(WIDTH);
        assertThat(shot.getHeight()).isEqualTo(HEIGHT);
        assertThat(Images.inkFraction(shot)).as("drawn, not blank").isGreaterThan(0.05);
        assertThat(Images.colours(shot)).as("charts in colour, not only text").isGreaterThan(40);

        JsonNode widths = chromium.evaluate("[...document.querySelectorAll('figure svg')]"
                + ".map(s => Math.round(s.getBoundingClientRect().width))");
        assertThat(widths.size()).as("inline SVG charts").isGreaterThanOrEqualTo(3);
        widths.forEach(w -> assertThat(w.asInt()).as("a chart's rendered width").isGreaterThan(800));

        String text = chromium.text();
        long total = json.get("totalBytes").asLong();
        long peak = json.get("peakBytes").asLong();
        assertThat(text).contains("Fits: needs " + Units.bytes(peak, false) + " of " + Units.bytes(11L << 30, false));
        assertHoldsNumber(text, peak, "peakBytes");
        assertThat(text).contains(String.format(java.util.Locale.ROOT, "Total: %s = %s fixed + %s per sample x %d.",
                Units.bytes(total, false), Units.bytes(json.get("fixedBytes").asLong(), false),
                Units.bytes(json.get("perSampleBytes").asLong(), false), json.get("batch").asInt()));
        assertHoldsNumber(text, total, "totalBytes");
        assertHoldsNumber(text, json.get("caffeLogBytes").asLong(), "caffeLogBytes");
        json.get("components").fields().forEachRemaining(c -> {
            if (c.getValue().asLong() > 0) {
                assertHoldsNumber(text, c.getValue().asLong(), "components." + c.getKey());
            }
        });
        for (JsonNode layer : json.get("layers")) {
            assertThat(text).contains(layer.get("name").asText());
            assertHoldsNumber(text, layer.get("totalBytes").asLong(), "layer " + layer.get("name").asText());
        }
        for (JsonNode t : json.get("testNets")) {
            assertHoldsNumber(text, t.get("totalBytes").asLong(), "test net " + t.get("index"));
        }

        // the largest batch it names is exact: its bill fits, the next batch's does not (estimate's own JSON)
        Matcher m = Pattern.compile("The largest batch that fits in 11\\.0 GiB is (\\d+) \\(this run: 32\\)").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        int largest = Integer.parseInt(m.group(1));
        assertThat(estimateJson("--batch", Integer.toString(largest)).get("peakBytes").asLong()).isLessThanOrEqualTo(11L << 30);
        assertThat(estimateJson("--batch", Integer.toString(largest + 1)).get("peakBytes").asLong()).isGreaterThan(11L << 30);

        byte[] pdf = chromium.printToPdf();
        assertThat(new String(pdf, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
        assertThat(Pattern.compile("/Type\\s*/Page[^s]").matcher(new String(pdf, StandardCharsets.ISO_8859_1))
                .results().count()).as("A4 pages").isGreaterThanOrEqualTo(2);
    }

    @Test
    void aRunThatDoesNotFitSaysSoFirstAndExitsWithOne(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        CliRun run = CliRun.of("report", "--solver", SEED, "--memory", "3GiB", "-o", html.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        long total = estimateJson().get("peakBytes").asLong();

        chromium.open(html);
        assertThat(chromium.consoleProblems()).isEmpty();
        String text = chromium.text();
        assertThat(text).contains("Does NOT fit: needs " + Units.bytes(total, false) + ", 3.00 GiB available");
        assertThat(text).contains(Units.bytes(total - (3L << 30), false) + " too much");
        // the verdict is the first thing under the title, above every chart
        JsonNode order = chromium.evaluate("[document.querySelector('.verdict.nofit').getBoundingClientRect().top,"
                + " Math.min(...[...document.querySelectorAll('figure')].map(f => f.getBoundingClientRect().top))]");
        assertThat(order.get(0).asDouble()).isLessThan(order.get(1).asDouble());
        assertThat(order.get(0).asDouble()).as("in the first screen").isLessThan(HEIGHT / 2.0);
    }

    @Test
    void theBrowserCheckItselfSeesConsoleErrorsAndOutsideRequests(@TempDir Path dir) throws Exception {
        // what the checks above would see on a page that is not self-contained (port 9 is discard: nothing answers)
        Path bad = dir.resolve("bad.html");
        java.nio.file.Files.writeString(bad, "<!DOCTYPE html><html><body><p>x</p><img src=\"http://127.0.0.1:9/a.png\"/>"
                + "<script>console.error('broken')</script></body></html>");
        chromium.open(bad);
        assertThat(chromium.requests()).contains("http://127.0.0.1:9/a.png");
        assertThat(chromium.consoleProblems()).anyMatch(p -> p.contains("broken"));
    }
}
