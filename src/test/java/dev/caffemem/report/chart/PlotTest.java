package dev.caffemem.report.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caffemem.cli.CliRun;
import dev.caffemem.fit.MaxBatch;
import dev.caffemem.metrics.Requests;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.EstimateRequest;
import dev.caffemem.model.Estimator;
import dev.caffemem.report.Units;
import dev.caffemem.testing.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code --plot} on estimate and probe: the SVG is XML a parser accepts, with the chart's words and numbers as
 * SVG text (in every locale); the PNG decodes, has the chart's size and is not blank; the printed output is the
 * same as without --plot; a wrong file name is a usage error before any work.
 */
class PlotTest {
    private static final String SEED = "examples/seed/solver.prototxt";
    private static final String TINY = "src/test/resources/dev/caffemem/metrics/tiny.prototxt";

    private static Document parseSvg(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(file.toFile());
        Element root = d.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        assertThat(root.getAttribute("viewBox")).matches("0(\\.0)? 0(\\.0)? \\d+(\\.0)? \\d+(\\.0)?");
        assertThat(root.getAttribute("width")).isNotEmpty();
        return d;
    }

    private static List<String> texts(Document d) {
        NodeList nodes = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent().strip());
        }
        return out;
    }

    private static CliRun run(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r;
    }

    @Test
    void estimatesSvgIsXmlWithTheHeaviestLayerAndItsSizeAsText(@TempDir Path dir) throws Exception {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            Path svg = dir.resolve("where.svg");
            CliRun plotted = run("estimate", "--solver", SEED, "--plot", svg.toString());
            assertThat(plotted.out()).as("the bill is printed as without --plot")
                    .isEqualTo(run("estimate", "--solver", SEED).out());
            assertThat(plotted.err()).contains("chart written to " + svg);
            JsonNode json = new ObjectMapper().readTree(run("estimate", "--solver", SEED, "--format", "json").out());
            JsonNode heaviest = json.get("layers").get(0);
            for (JsonNode l : json.get("layers")) {
                heaviest = l.get("totalBytes").asLong() > heaviest.get("totalBytes").asLong() ? l : heaviest;
            }
            long bytes = heaviest.get("totalBytes").asLong();
            List<String> texts = texts(parseSvg(svg));
            assertThat(texts).contains(heaviest.get("name").asText() + " (" + heaviest.get("type").asText() + ")",
                    Units.bytes(bytes, false) + " (" + Units.percent((double) bytes / json.get("totalBytes").asLong())
                            + ")", "memory (GiB)", "activation data");
            // tick labels read the same in a German locale: a decimal point, not a comma
            assertThat(texts).contains("0.4").noneMatch(t -> t.matches("\\d+,\\d+"));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void estimatesPngDecodesAtTwiceTheChartsSizeAndIsNotBlank(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("where.png");
        run("estimate", "--solver", SEED, "--plot", png.toString());
        BufferedImage image = Images.decode(Files.readAllBytes(png));
        assertThat(image.getWidth()).isEqualTo(2 * LayerChart.WIDTH);
        assertThat(image.getHeight()).isGreaterThan(400);
        assertThat(Images.inkFraction(image)).as("drawn").isGreaterThan(0.03);
        assertThat(Images.colours(image)).as("bars in the components' colours").isGreaterThan(20);
    }

    @Test
    void probesChartHasThePointsAndBothFittedLines(@TempDir Path dir) throws Exception {
        Path svg = dir.resolve("probe.svg");
        CliRun r = run("probe", TINY, "--points", "1,2", "--verify", "--plot", svg.toString());
        Document d = parseSvg(svg);
        assertThat(texts(d)).anyMatch(t -> t.startsWith("measured (glibc): ") && t.endsWith(" per sample"))
                .contains("blobs (census)", "batch")
                .anyMatch(t -> t.startsWith("estimate at batch 4: ") && t.contains("; measured at batch 4: "));
        // two measured series of two points each (circles), their two lines, the marked points (squares)
        String xml = Files.readString(svg);
        assertThat(xml).contains("Probe: measured memory vs batch");
        assertThat(r.out()).contains("Fit (allocator level): ");

        Path png = dir.resolve("probe.png");
        run("probe", TINY, "--points", "1,2", "--plot", png.toString());
        BufferedImage image = Images.decode(Files.readAllBytes(png));
        assertThat(image.getWidth()).isEqualTo(2 * LayerChart.WIDTH);
        assertThat(Images.inkFraction(image)).isGreaterThan(0.02);
    }

    @Test
    void theMaxBatchChartIsReadyWithTheLimitAndTheLargestBatchMarked(@TempDir Path dir) throws Exception {
        // for a max-batch command's --plot: the estimate's line, the limit and MaxBatch's answer
        EstimateRequest request = Requests.seed();
        Estimate estimate = Estimator.estimate(request);
        long limit = 11L << 30;
        int largest = MaxBatch.solve(request, limit).orElseThrow();
        Path svg = dir.resolve("max-batch.svg");
        Plots.maxBatch(estimate, limit, "--memory 11GiB", largest, svg);
        assertThat(texts(parseSvg(svg))).contains("limit 11.0 GiB (--memory 11GiB)",
                "largest batch that fits: " + largest, "this run: batch 32, " + Units.bytes(estimate.boundBytes(), false),
                "estimate: " + Units.bytes(estimate.peak().fixedBytes(), false) + " + "
                        + Units.bytes(estimate.peak().perSampleBytes(), false) + " per sample");
    }

    @Test
    void aFileThatIsNeitherSvgNorPngIsAUsageErrorBeforeAnyWork(@TempDir Path dir) {
        Path pdf = dir.resolve("chart.pdf");
        CliRun r = CliRun.of("estimate", "--solver", SEED, "--plot", pdf.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).as("no bill printed").isEmpty();
        assertThat(r.err().strip()).isEqualTo("caffemem: --plot " + pdf + ": the file name must end in .svg or .png");
        assertThat(Files.exists(pdf)).isFalse();
        CliRun probe = CliRun.of("probe", TINY, "--plot", pdf.toString());
        assertThat(probe.exitCode()).isEqualTo(2);
    }

    @Test
    void aFileThatCannotBeWrittenIsBadInput(@TempDir Path dir) {
        Path missing = dir.resolve("no/such/dir/chart.svg");
        CliRun r = CliRun.of("estimate", "--solver", SEED, "--plot", missing.toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err().strip()).endsWith("caffemem: --plot " + missing + ": cannot write it: its directory does "
                + "not exist");
    }
}
