package dev.caffemem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each fork layer holds, per layer in the CLI's JSON, on small training nets: the buffers its source touches
 * (docs/forks.md), and the aborts its source has where a CPU path is NOT_IMPLEMENTED.
 */
class ForkBillsTest {
    @TempDir
    Path dir;

    /** A 2 x 8 x 5 x 5 convolution output feeding {@code middle}, whose top {@code m} feeds an InnerProduct and a loss. */
    private JsonNode train(String middle, String... options) throws Exception {
        Path net = dir.resolve("net.prototxt");
        Files.writeString(net, """
                layer { name: "in" type: "Input" top: "x" input_param { shape { dim: 2 dim: 3 dim: 7 dim: 7 } } }
                layer { name: "lab" type: "DummyData" top: "label" dummy_data_param { shape { dim: 2 } } }
                layer { name: "conv" type: "Convolution" bottom: "x" top: "c" convolution_param { num_output: 8 kernel_size: 3 } }
                %s
                layer { name: "fc" type: "InnerProduct" bottom: "m" top: "fc" inner_product_param { num_output: 4 } }
                layer { name: "loss" type: "SoftmaxWithLoss" bottom: "fc" bottom: "label" top: "loss" }
                """.formatted(middle));
        String[] args = new String[options.length + 4];
        args[0] = "estimate";
        args[1] = net.toString();
        args[2] = "--format";
        args[3] = "json";
        System.arraycopy(options, 0, args, 4, options.length);
        CliRun r = CliRun.of(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    private static JsonNode components(JsonNode estimate, String layer) {
        for (JsonNode l : estimate.get("layers")) {
            if (l.get("name").asText().equals(layer)) {
                return l.get("components");
            }
        }
        throw new AssertionError("no layer " + layer);
    }

    private static long get(JsonNode components, String component) {
        return components.has(component) ? components.get(component).asLong() : 0;
    }

    private static final long MAP = 2L * 8 * 5 * 5 * 4;

    @Test
    void permuteCopiesBothWaysOrSharesWhenTheOrderMovesNothing() throws Exception {
        JsonNode moved = components(train("layer { name: \"p\" type: \"Permute\" bottom: \"c\" top: \"m\""
                + " permute_param { order: 0 order: 2 order: 3 order: 1 } }"), "p");
        assertThat(get(moved, "activationData")).isEqualTo(MAP);
        assertThat(get(moved, "activationDiff")).isEqualTo(MAP);
        // the order and both stride tables: 4 ints each
        assertThat(get(moved, "layerBuffers")).isEqualTo(3 * 4 * 4);
        // order 0, 1 (2 and 3 follow): Forward shares the bottom's data, Backward makes the bottom adopt the top's diff
        JsonNode e = train("layer { name: \"p\" type: \"Permute\" bottom: \"c\" top: \"m\" permute_param { order: 0 order: 1 } }");
        assertThat(get(components(e, "p"), "activationData")).isZero();
        assertThat(get(components(e, "p"), "activationDiff")).isEqualTo(MAP);
        assertThat(get(components(e, "conv"), "activationDiff")).isZero();
    }

    @Test
    void normalizeKeepsPerImageScratchNormsAndOnes() throws Exception {
        JsonNode n = components(train("layer { name: \"n\" type: \"Normalize\" bottom: \"c\" top: \"m\""
                + " norm_param { across_spatial: false channel_shared: false } }"), "n");
        // ones over channels and space, one image's scratch, a norm per pixel of both images, two backward vectors
        assertThat(get(n, "layerBuffers")).isEqualTo((8 + 25 + 8 * 25 + 2 * 25 + 8 + 25) * 4L);
        assertThat(get(n, "paramData")).isEqualTo(8 * 4);
        assertThat(get(n, "paramDiff")).isEqualTo(8 * 4);
        assertThat(get(n, "activationData") + get(n, "activationDiff")).isEqualTo(2 * MAP);
    }

    @Test
    void interpWritesItsTopAndTheBottomsDiff() throws Exception {
        JsonNode e = train("layer { name: \"i\" type: \"Interp\" bottom: \"c\" top: \"m\" interp_param { zoom_factor: 2 } }");
        JsonNode i = components(e, "i");
        long zoomed = 2L * 8 * 9 * 9 * 4;
        assertThat(get(i, "activationData")).isEqualTo(zoomed);
        assertThat(get(i, "activationDiff")).isEqualTo(zoomed);
        assertThat(get(i, "layerBuffers")).isZero();
        assertThat(get(components(e, "conv"), "activationDiff")).isEqualTo(MAP);
    }

    @Test
    void roiPoolingHasNoCpuBackwardButTestsOnTheCpuWithItsArgmax() throws Exception {
        String pool = "layer { name: \"rois\" type: \"DummyData\" top: \"rois\" dummy_data_param { shape { dim: 6 dim: 5 } } }"
                + "layer { name: \"r\" type: \"ROIPooling\" bottom: \"c\" bottom: \"rois\" top: \"m\""
                + " roi_pooling_param { pooled_h: 2 pooled_w: 3 spatial_scale: 1 } }";
        Path net = dir.resolve("roi.prototxt");
        Files.writeString(net, "layer { name: \"in\" type: \"Input\" top: \"x\" input_param { shape { dim: 2 dim: 3 dim: 7 dim: 7 } } }\n"
                + "layer { name: \"conv\" type: \"Convolution\" bottom: \"x\" top: \"c\" convolution_param { num_output: 8 kernel_size: 3 } }\n"
                + pool + "\nlayer { name: \"lab\" type: \"DummyData\" top: \"label\" dummy_data_param { shape { dim: 6 } } }\n"
                + "layer { name: \"fc\" type: \"InnerProduct\" bottom: \"m\" top: \"fc\" inner_product_param { num_output: 4 } }\n"
                + "layer { name: \"loss\" type: \"SoftmaxWithLoss\" bottom: \"fc\" bottom: \"label\" top: \"loss\" }\n");
        CliRun cpu = CliRun.of("estimate", net.toString());
        assertThat(cpu.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cpu.err()).contains("layer \"r\" (ROIPooling): caffe-fast-rcnn's ROIPooling has no CPU backward"
                + " (roi_pooling_layer.cpp: Backward_cpu is NOT_IMPLEMENTED)");
        CliRun test = CliRun.of("estimate", net.toString(), "--phase", "TEST", "--format", "json");
        assertThat(test.exitCode()).as(test.err()).isZero();
        JsonNode r = components(new ObjectMapper().readTree(test.out()), "r");
        long pooled = 6L * 8 * 2 * 3 * 4;
        assertThat(get(r, "activationData")).isEqualTo(pooled);
        assertThat(get(r, "layerBuffers")).isEqualTo(pooled);
    }

    @Test
    void annotatedDataHoldsThreeBatchesAndTopsOfItsOwnOnBothSidesOfAGpu() throws Exception {
        Path net = dir.resolve("ssd-data.prototxt");
        Files.writeString(net, "layer { name: \"data\" type: \"AnnotatedData\" top: \"data\" top: \"label\""
                + " data_param { source: \"none\" batch_size: 4 } transform_param { resize_param { height: 30 width: 20 } } }\n"
                + "layer { name: \"s\" type: \"Silence\" bottom: \"data\" bottom: \"label\" }\n");
        long batch = 4L * 3 * 30 * 20 + 8;
        CliRun cpu = CliRun.of("estimate", net.toString(), "--format", "json");
        assertThat(cpu.exitCode()).as(cpu.err()).isZero();
        JsonNode host = components(new ObjectMapper().readTree(cpu.out()), "data");
        assertThat(get(host, "prefetch")).isEqualTo(3 * batch * 4);
        assertThat(get(host, "activationData")).isEqualTo(batch * 4);
        CliRun gpu = CliRun.of("estimate", net.toString(), "--format", "json", "--device", "gpu", "--profile", "v100-16gb");
        assertThat(gpu.exitCode()).as(gpu.err()).isZero();
        assertThat(get(components(new ObjectMapper().readTree(gpu.out()), "data"), "prefetch")).isEqualTo(2 * 3 * batch * 4);
    }
}
