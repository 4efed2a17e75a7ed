package dev.caffemem.prototxt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Parsing ResNet-152's deploy net (about 6,800 lines) once warm. The median is printed, not
 * asserted: timed unit tests are not allowed in this project, as they fail on a busy machine. The
 * measured numbers come from JMH (src/test/java/dev/caffemem/bench/EstimateBenchmark.java, run by
 * scripts/bench-estimate.sh).
 */
class PerformanceTest {

    private static final Path RESNET_152 = Fixtures.CAFFE_MODELS.resolve(
            "KaimingHe-deep-residual-networks/prototxt/ResNet-152-deploy.prototxt");

    @Test
    void parsesResNet152RepeatedlyAndPrintsTheMedian() throws IOException {
        dev.caffemem.testing.Prerequisites.require(Files.exists(RESNET_152), RESNET_152 + " is not present (the validation corpus)");
        String text = Files.readString(RESNET_152);
        MessageType net = Schema.caffe().message("NetParameter");
        for (int i = 0; i < 200; i++) {
            TextFormat.parse(text, "resnet", net);
        }
        long[] nanos = new long[31];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            Message m = TextFormat.parse(text, "resnet", net);
            nanos[i] = System.nanoTime() - start;
            assertThat(m.count("layer")).isGreaterThan(500);
        }
        Arrays.sort(nanos);
        double medianMs = nanos[nanos.length / 2] / 1e6;
        System.out.printf("ResNet-152 deploy: %d lines, median parse %.2f ms%n", text.lines().count(), medianMs);
    }
}
