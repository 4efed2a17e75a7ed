package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, D1 and D6: what a probe measures is the batch it says it measured. A point whose net cannot be
 * built (its blobs pass INT_MAX) used to leave the data layers at the prototxt's batch and report that
 * batch's measurement as the point's; --real-data used to drop --input-shape and then ask for it.
 */
class ProbeDataTest {
    private static final String TINY = "src/test/resources/dev/caffemem/metrics/tiny.prototxt";

    /** D1: both rows came back at batch 4's bytes with "+ 0 B per sample", exit 0. */
    @Test
    void pointsPastIntMaxAreRefusedNotMeasuredAtThePrototxtBatch() {
        CliRun r = CliRun.of("probe", TINY, "--points", "100000000,200000000");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).as("no child was started").singleElement().asString()
                .startsWith("caffemem: " + TINY + ":").contains("layer \"", "INT_MAX", "probe batch 100000000");
    }

    /** D1: with one good point the other row was batch 4's, and the fit a line through it. */
    @Test
    void onePointPastIntMaxFailsTheWholeProbe() {
        CliRun r = CliRun.of("probe", TINY, "--points", "1,200000000");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).singleElement().asString().contains("INT_MAX", "probe batch 200000000");
    }

    /**
     * D6: an ImageData layer without new_height/new_width takes its shape from the first image, which the
     * estimate beside the measurement cannot read: --input-shape says it, and --real-data must keep it. The
     * real Caffe then reads the real image (a PNG written here) through its prefetching ImageData layer.
     */
    @Test
    void realDataKeepsTheInputShapeItWasGiven(@TempDir Path tmp) throws Exception {
        BufferedImage image = new BufferedImage(20, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 20; x++) {
                image.setRGB(x, y, (x * 12) << 16 | (y * 15) << 8 | 99);
            }
        }
        ImageIO.write(image, "png", tmp.resolve("a.png").toFile());
        Files.writeString(tmp.resolve("list.txt"), "a.png 0\n");
        Path net = tmp.resolve("images.prototxt");
        Files.writeString(net, "name: \"images\"\n"
                + "layer { name: \"data\" type: \"ImageData\" top: \"data\" top: \"label\" image_data_param { source: \""
                + tmp.resolve("list.txt") + "\" root_folder: \"" + tmp + "/\" batch_size: 4 } }\n"
                + "layer { name: \"ip\" type: \"InnerProduct\" bottom: \"data\" top: \"ip\" inner_product_param { num_output: 3 } }\n"
                + "layer { name: \"loss\" type: \"SoftmaxWithLoss\" bottom: \"ip\" bottom: \"label\" top: \"loss\" }\n");
        CliRun r = CliRun.of("probe", net.toString(), "--real-data", "--input-shape", "data=3,16,20", "--points", "1,2",
                "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("points")).hasSize(2);
        // the InnerProduct's weights and bias: 3 x (3 x 16 x 20) + 3 floats, from the image's real shape
        JsonNode point = json.get("points").get(0);
        assertThat(point.get("components").get("paramData").asLong()).isEqualTo(4L * (3 * 3 * 16 * 20 + 3));
    }
}
