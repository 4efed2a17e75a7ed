package dev.caffemem.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caffemem.cli.CliRun;
import dev.caffemem.report.Units;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The report file itself, read with an XML parser (the page is well-formed XML): one self-contained page (no
 * script, no link, no image, no URL outside itself), its charts inline SVG whose text is text, sized by CSS;
 * the 152-layer net's chart stays legible; GPU and probe reports; the command's errors. The browser's view of
 * it is in {@link ReportBrowserTest}.
 */
class ReportHtmlTest {
    private static final String SEED = "examples/seed/solver.prototxt";

    private static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
    }

    private static Document report(Path dir, int expectedExit, String... args) throws Exception {
        Path html = dir.resolve("r.html");
        List<String> all = new ArrayList<>(List.of("report"));
        all.addAll(List.of(args));
        all.addAll(List.of("-o", html.toString()));
        CliRun r = CliRun.of(all.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(expectedExit);
        assertThat(r.out()).as("nothing on stdout when -o names a file").isEmpty();
        return parse(Files.readString(html));
    }

    private static List<Element> all(Document d, String localName) {
        NodeList nodes = d.getElementsByTagNameNS("*", localName);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    /** The text of every SVG text element of one chart (a figure's id). */
    private static List<String> chartTexts(Document d, String chart) {
        List<String> out = new ArrayList<>();
        for (Element fig : all(d, "figure")) {
            if (fig.getAttribute("id").equals("chart-" + chart)) {
                NodeList texts = fig.getElementsByTagNameNS("*", "text");
                for (int i = 0; i < texts.getLength(); i++) {
                    out.add(texts.item(i).getTextContent().strip());
                }
            }
        }
        assertThat(out).as("texts of chart " + chart).isNotEmpty();
        return out;
    }

    private static JsonNode estimateJson(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("estimate", "--format", "json"));
        all.addAll(List.of(args));
        return new ObjectMapper().readTree(CliRun.of(all.toArray(String[]::new)).out());
    }

    @Test
    void theSeedReportIsOneSelfContainedPageWithItsChartsInline(@TempDir Path dir) throws Exception {
        Document d = report(dir, 0, "--solver", SEED, "--memory", "11GiB");
        for (String tag : List.of("script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignObject")) {
            assertThat(all(d, tag)).as("<%s> elements", tag).isEmpty();
        }
        for (Element e : all(d, "*")) {
            NamedNodeMap attrs = e.getAttributes();
            for (int i = 0; i < attrs.getLength(); i++) {
                Attr a = (Attr) attrs.item(i);
                String name = a.getLocalName() == null ? a.getName() : a.getLocalName();
                if (name.equals("href") || name.equals("src") || name.equals("action")) {
                    assertThat(a.getValue()).as("<%s %s>", e.getTagName(), a.getName()).startsWith("#");
                }
                if (a.getValue().contains("url(")) {
                    assertThat(a.getValue()).as("<%s %s>", e.getTagName(), a.getName()).containsPattern("url\\(#");
                }
            }
        }
        String css = all(d, "style").get(0).getTextContent();
        assertThat(css).doesNotContain("url(").doesNotContain("@import").contains("@media print");

        List<Element> svgs = all(d, "svg");
        assertThat(svgs).hasSize(4);
        for (Element svg : svgs) {
            assertThat(svg.getAttribute("viewBox")).isNotEmpty();
            assertThat(svg.hasAttribute("width")).as("sized by CSS, not by the SVG").isFalse();
        }
        JsonNode json = estimateJson("--solver", SEED);
        long total = json.get("totalBytes").asLong();
        JsonNode heaviest = json.get("layers").get(0);
        for (JsonNode l : json.get("layers")) {
            if (l.get("totalBytes").asLong() > heaviest.get("totalBytes").asLong()) {
                heaviest = l;
            }
        }
        long bytes = heaviest.get("totalBytes").asLong();
        assertThat(chartTexts(d, "layers")).contains(heaviest.get("name").asText() + " (" + heaviest.get("type").asText()
                + ")", Units.bytes(bytes, false) + " (" + Units.percent((double) bytes / total) + ")");
        long peak = json.get("peakBytes").asLong();
        assertThat(chartTexts(d, "batch")).contains("limit 11.0 GiB (--memory 11GiB)")
                .anyMatch(t -> t.matches("largest batch that fits: \\d+"))
                .contains("this run: batch 32, " + Units.bytes(peak, false));
        assertThat(chartTexts(d, "timeline")).contains("peak " + Units.bytes(peak, false) + ": "
                + json.get("peakEvent").get("description").asText());
        assertThat(chartTexts(d, "components")).contains("By component: " + Units.bytes(total, false) + " in all");
        String verdict = all(d, "section").get(0).getTextContent();
        String largest = chartTexts(d, "batch").stream().filter(t -> t.startsWith("largest batch")).findFirst()
                .orElseThrow().replaceAll("\\D", "");
        assertThat(verdict).contains("The largest batch that fits in 11.0 GiB is " + largest + " (this run: 32).");
    }

    @Test
    void aNetOf152LayersStaysLegible(@TempDir Path dir) throws Exception {
        String solver = "examples/resnet152/solver.prototxt";
        Document d = report(dir, 0, "--solver", solver, "--memory", "64GiB");
        int layers = estimateJson("--solver", solver).get("layers").size();
        assertThat(layers).isGreaterThan(152);
        List<String> texts = chartTexts(d, "layers");
        assertThat(texts).contains("Where the memory goes: the 20 heaviest of " + layers + " layers")
                .anyMatch(t -> t.startsWith("the other " + (layers - 20) + " layers: "));
        // the chart labels its bars, not every layer: 20 layers, the rest, test net, outside the layers
        assertThat(texts.stream().filter(t -> t.matches(".* \\([A-Za-z]+\\)"))).hasSizeLessThanOrEqualTo(24);
        // the table still lists every layer
        Element table = all(d, "table").stream().filter(t -> t.getAttribute("class").equals("layers")).findFirst()
                .orElseThrow();
        assertThat(table.getElementsByTagNameNS("*", "tr").getLength()).isEqualTo(layers + 1);
    }

    @Test
    void onAGpuTheVerdictIsAboutDeviceMemoryAndTheProfilesCapacity(@TempDir Path dir) throws Exception {
        Document d = report(dir, 0, "--solver", SEED, "--device", "gpu", "--profile", "v100-16gb");
        JsonNode gpu = estimateJson("--solver", SEED, "--device", "gpu", "--profile", "v100-16gb").get("gpu");
        String verdict = all(d, "section").get(0).getTextContent();
        assertThat(verdict).contains("Fits: needs " + Units.bytes(gpu.get("deviceBytes").asLong(), false) + " of "
                + Units.bytes(gpu.get("capacityBytes").asLong(), false))
                .contains("of device memory at its peak").contains("(the v100-16gb profile)");
        assertThat(chartTexts(d, "components")).contains("device memory", "host memory");

        Document two = report(dir, 0, "--solver", SEED, "--device", "gpu", "--profile", "v100-16gb", "--gpus", "2");
        JsonNode multi = estimateJson("--solver", SEED, "--device", "gpu", "--profile", "v100-16gb", "--gpus", "2")
                .get("gpu").get("multiGpu");
        assertThat(all(two, "section").get(0).getTextContent()).contains("Data-parallel on 2 GPUs: the root GPU needs "
                + Units.bytes(multi.get("rootDeviceBytes").asLong(), false) + " of device memory, every other GPU "
                + Units.bytes(multi.get("workerDeviceBytes").asLong(), false));
        CliRun inference = CliRun.of("report", "--solver", SEED, "--phase", "TEST", "--device", "gpu", "--profile",
                "v100-16gb", "--gpus", "2", "-o", dir.resolve("x.html").toString());
        assertThat(inference.exitCode()).isEqualTo(2);
    }

    @Test
    void withProbeTheRealCaffesPointsAreInTheReport(@TempDir Path dir) throws Exception {
        Document d = report(dir, 0, "src/test/resources/dev/caffemem/metrics/tiny.prototxt", "--memory", "1GiB",
                "--probe", "--points", "1,2", "--verify");
        assertThat(all(d, "svg")).hasSize(5);
        List<String> probe = chartTexts(d, "probe");
        assertThat(probe).anyMatch(t -> t.startsWith("measured (glibc): "))
                .anyMatch(t -> t.contains("estimate at batch 4: ") && t.contains("measured at batch 4: "));
        assertThat(chartTexts(d, "batch")).anyMatch(t -> t.startsWith("measured (glibc): "));
        Element points = all(d, "table").stream().filter(t -> t.getAttribute("class").equals("points")).findFirst()
                .orElseThrow();
        assertThat(points.getTextContent()).contains("4 (verify)");
        assertThat(points.getElementsByTagNameNS("*", "tr").getLength()).isEqualTo(1 + 3);
        assertThat(all(d, "section").get(0).getTextContent()).contains("Checked in the real Caffe at batches [1, 2]: ");
    }

    @Test
    void theCommandsMistakesAreOneLineAndAnExitCode(@TempDir Path dir) {
        CliRun badMemory = CliRun.of("report", "--solver", SEED, "--memory", "lots", "-o", dir.resolve("r.html").toString());
        assertThat(badMemory.exitCode()).isEqualTo(2);
        assertThat(badMemory.err().strip()).startsWith("caffemem: --memory: ").doesNotContain("\n");
        CliRun noOutput = CliRun.of("report", "--solver", SEED);
        assertThat(noOutput.exitCode()).isEqualTo(2);
        assertThat(noOutput.err()).contains("--output");
        Path missing = dir.resolve("no/such/dir/r.html");
        CliRun unwritable = CliRun.of("report", "--solver", SEED, "--memory", "11GiB", "-o", missing.toString());
        assertThat(unwritable.exitCode()).isEqualTo(3);
        assertThat(unwritable.err().strip()).isEqualTo("caffemem: " + missing + ": cannot write the report: its "
                + "directory does not exist");
        assertThat(Files.exists(missing)).isFalse();
    }

    @Test
    void dashWritesThePageToStdout() throws Exception {
        CliRun r = CliRun.of("report", "--solver", SEED, "--memory", "11GiB", "-o", "-");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("<!DOCTYPE html>");
        assertThat(all(parse(r.out()), "svg")).hasSize(4);
        assertThat(r.err()).contains("fits: ").doesNotContain("wrote");
        assertThat(String.format(Locale.ROOT, "%s", r.out())).endsWith("</html>\n");
    }
}
