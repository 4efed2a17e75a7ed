package dev.caffemem.model;

import dev.caffemem.memory.Component;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caffemem.net.NetSpec;
import dev.caffemem.net.Phase;
import dev.caffemem.net.ShapeOverrides;
import dev.caffemem.prototxt.Message;
import dev.caffemem.prototxt.Schema;
import dev.caffemem.prototxt.TextFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The analytical GPU mode, checked against the rules of Caffe 1.0's GPU code (syncedmem.cpp,
 * cudnn_conv_layer.cpp, base_data_layer.cpp, the solvers' .cu files): what lands on the device, what
 * stays on the host, and how the context, handles, workspaces and replicas add up. No GPU needed.
 */
class GpuEstimateTest {
    /** Settings with round, distinct figures, so every sum below can be written out by hand. */
    private static final GpuSettings GPU = new GpuSettings("test-gpu", 16L << 30, 300L << 20, 8L << 20, 2L << 20,
            1L << 20, 4096, null, 1, 1, true, 1, List.of());

    private static final String DATA = "layer { name: 'in' type: 'Input' top: 'x' top: 'y' input_param {"
            + " shape { dim: 4 dim: 3 dim: 12 dim: 12 } shape { dim: 4 } } }\n";
    private static final String HEAD = "layer { name: 'ip' type: 'InnerProduct' bottom: 'c' top: 'ip'"
            + " inner_product_param { num_output: 5 } }\n"
            + "layer { name: 'loss' type: 'SoftmaxWithLoss' bottom: 'ip' bottom: 'y' top: 'loss' }\n";

    private static String conv(String extra) {
        return "layer { name: 'conv' type: 'Convolution' bottom: 'x' top: 'c' convolution_param { num_output: 8"
                + " kernel_size: 3 " + extra + " } }\n";
    }

    private static Estimate estimate(String net, Phase phase, GpuSettings gpu, String solverText) {
        SolverSettings solver = solverText == null ? SolverSettings.assumedSgd()
                : SolverSettings.of(TextFormat.parse(solverText, "solver.prototxt",
                Schema.caffe().message("SolverParameter")));
        Message parsed = NetSpec.parse(net, "net.prototxt");
        return Estimator.estimate(new EstimateRequest(parsed, phase, gpu == null ? Mode.CPU : Mode.GPU, solver,
                ShapeOverrides.NONE, ShapeOverrides.NONE, f -> null, List.of(), 0, gpu, null));
    }

    private static long device(Estimate e, Component c) {
        return e.gpu().device().bytes(c);
    }

    private static long host(Estimate e, Component c) {
        return e.gpu().host().bytes(c);
    }

    @Test
    void parametersAreFilledOnTheHostAndCopiedToTheDeviceWhileGradientsAndSolverStayOnTheDevice() {
        Estimate cpu = estimate(DATA + conv("") + HEAD, Phase.TRAIN, null, null);
        Estimate gpu = estimate(DATA + conv("") + HEAD, Phase.TRAIN, GPU, null);
        long params = cpu.breakdown().bytes(Component.PARAM_DATA);
        // conv 8x3x3x3 + 8, ip 5x(8x10x10) + 5
        assertThat(params).isEqualTo((8 * 27 + 8 + 5 * 800 + 5) * 4L);
        assertThat(host(gpu, Component.PARAM_DATA)).isEqualTo(params);
        assertThat(device(gpu, Component.PARAM_DATA)).isEqualTo(params);
        assertThat(device(gpu, Component.PARAM_DIFF)).isEqualTo(params);
        assertThat(host(gpu, Component.PARAM_DIFF)).isZero();
        // SGD's history only; no update_ or temp_ on the GPU
        assertThat(device(gpu, Component.SOLVER_STATE)).isEqualTo(params);
        assertThat(host(gpu, Component.SOLVER_STATE)).isZero();
    }

    @Test
    void cpuModeHasNothingOnTheDeviceAndNoGpuBill() {
        Estimate cpu = estimate(DATA + conv("") + HEAD, Phase.TRAIN, null, null);
        assertThat(cpu.gpu()).isNull();
        assertThat(cpu.breakdown().bytes(Component.WORKSPACE)).isZero();
        assertThat(cpu.breakdown().bytes(Component.CUDA_CONTEXT)).isZero();
        // on the CPU what must fit is the host's peak
        assertThat(cpu.boundBytes()).isEqualTo(cpu.peak().bytes()).isGreaterThanOrEqualTo(cpu.totalBytes());
    }

    @Test
    void cudnnConvolutionHasAWorkspaceOfThreeSlotsPerGroupAndNoIm2colBuffer() {
        Estimate gpu = estimate(DATA + conv("") + HEAD, Phase.TRAIN, GPU, null);
        assertThat(device(gpu, Component.WORKSPACE)).isEqualTo(3 * GpuSettings.UPSTREAM_WORKSPACE_LIMIT);
        Estimate grouped = estimate(DATA.replace("dim: 3 dim: 12", "dim: 4 dim: 12") + conv("group: 2") + HEAD,
                Phase.TRAIN, GPU, null);
        assertThat(device(grouped, Component.WORKSPACE)).isEqualTo(6 * GpuSettings.UPSTREAM_WORKSPACE_LIMIT);
        assertThat(grouped.gpu().cudnnConvLayers()).isEqualTo(1);
        // no col_buffer anywhere: layer buffers hold only geometry blobs and multipliers (a few hundred bytes)
        assertThat(device(gpu, Component.LAYER_BUFFERS)).isLessThan(1024);
    }

    @Test
    void engineCaffeKeepsIm2colOnTheDeviceAndNoWorkspace() {
        Estimate gpu = estimate(DATA + conv("engine: CAFFE") + HEAD, Phase.TRAIN, GPU, null);
        assertThat(device(gpu, Component.WORKSPACE)).isZero();
        assertThat(gpu.gpu().cudnnConvLayers()).isZero();
        // col_buffer: (3 x 3 x 3) x (10 x 10) floats, for one image at a time
        long col = 27 * 100 * 4L;
        assertThat(device(gpu, Component.LAYER_BUFFERS)).isGreaterThanOrEqualTo(col);
        // dilated convolutions never go to cuDNN in Caffe 1.0
        Estimate dilated = estimate(DATA + conv("dilation: 2") + HEAD.replace("bottom: 'c'", "bottom: 'c'"),
                Phase.TRAIN, GPU, null);
        assertThat(device(dilated, Component.WORKSPACE)).isZero();
    }

    @Test
    void measuredWorkspaceReplacesTheBound() {
        GpuSettings measured = new GpuSettings("m", 16L << 30, 0, 0, 0, 0, 0, 123_456L, 1, 1, true, 1, List.of());
        Estimate gpu = estimate(DATA + conv("") + HEAD, Phase.TRAIN, measured, null);
        assertThat(device(gpu, Component.WORKSPACE)).isEqualTo(123_456L);
    }

    @Test
    void contextAndHandlesAddUpFromTheCounts() {
        // one caller thread; cuDNN handles: 3 for the convolution, 1 for SoftmaxWithLoss's inner softmax;
        // streams: one per convolution handle
        Estimate gpu = estimate(DATA + conv("") + HEAD, Phase.TRAIN, GPU, null);
        assertThat(gpu.gpu().threads()).isEqualTo(1);
        assertThat(gpu.gpu().cudnnHandles()).isEqualTo(4);
        assertThat(gpu.gpu().streams()).isEqualTo(3);
        assertThat(device(gpu, Component.CUDA_CONTEXT))
                .isEqualTo((300L << 20) + (8L << 20) + (2L << 20) + 4 * (1L << 20) + 3 * 4096);
        assertThat(host(gpu, Component.CUDA_CONTEXT)).isZero();
    }

    @Test
    void prefetchingDataLayersHoldEveryBatchOnBothSidesAndRunAThreadWithItsOwnContext() {
        String net = "layer { name: 'd' type: 'Data' top: 'x' top: 'y' data_param { source: 'db' batch_size: 4"
                + " backend: LMDB } transform_param { crop_size: 12 } }\n" + conv("") + HEAD;
        // Data's shapes come from the first datum: give them on the command line's way
        Message parsed = NetSpec.parse(net, "net.prototxt");
        ShapeOverrides shapes = new ShapeOverrides(null, Map.of("x", dev.caffemem.net.Shape.of(3, 12, 12)), Map.of());
        Estimate gpu = Estimator.estimate(new EstimateRequest(parsed, Phase.TRAIN, Mode.GPU, SolverSettings.assumedSgd(),
                shapes, shapes, f -> null, List.of(), 0, GPU, null));
        long batches = 4 * (4 * 3 * 12 * 12 + 4) * 4L;
        assertThat(host(gpu, Component.PREFETCH)).isEqualTo(batches);
        assertThat(device(gpu, Component.PREFETCH)).isEqualTo(batches);
        assertThat(gpu.gpu().threads()).isEqualTo(2);
        assertThat(gpu.gpu().streams()).isEqualTo(3 + 1);
        assertThat(gpu.notes()).anyMatch(n -> n.contains("pinned host memory and on the device"));
    }

    @Test
    void dropoutHasNoMaskInTestOnTheGpuButDoesOnTheCpu() {
        String net = DATA + conv("") + "layer { name: 'drop' type: 'Dropout' bottom: 'c' top: 'c' }\n" + HEAD;
        Estimate cpu = estimate(net, Phase.TEST, null, null);
        Estimate gpu = estimate(net, Phase.TEST, GPU, null);
        long mask = 4 * 8 * 10 * 10 * 4L;
        long cpuDrop = cpu.layers().get(2).bytes(Component.LAYER_BUFFERS);
        long gpuDrop = gpu.layers().get(2).bytes(Component.LAYER_BUFFERS);
        assertThat(cpuDrop).isEqualTo(mask);
        assertThat(gpuDrop).isZero();
    }

    @Test
    void cudnnLcnHasTwoDeviceTemporariesAndCaffeLrnItsScale() {
        String lcn = DATA + conv("") + "layer { name: 'norm' type: 'LRN' bottom: 'c' top: 'n' lrn_param {"
                + " norm_region: WITHIN_CHANNEL } }\n" + HEAD.replace("bottom: 'c'", "bottom: 'n'");
        long temps = 2 * 4 * 8 * 10 * 10 * 4L;
        assertThat(estimate(lcn, Phase.TRAIN, GPU, null).layers().get(2).bytes(Component.LAYER_BUFFERS))
                .isEqualTo(temps);
        // engine: CAFFE keeps Caffe's own LRN, whose buffers are not cuDNN's temporaries
        String caffe = lcn.replace("norm_region: WITHIN_CHANNEL", "norm_region: WITHIN_CHANNEL engine: CAFFE");
        assertThat(estimate(caffe, Phase.TRAIN, GPU, null).layers().get(2).bytes(Component.LAYER_BUFFERS))
                .isNotEqualTo(temps);
    }

    @Test
    void cpuOnlyLayersKeepTheirBlobsOnTheHost() {
        String net = DATA + conv("") + HEAD
                + "layer { name: 'acc' type: 'Accuracy' bottom: 'ip' bottom: 'y' top: 'acc' include { phase: TEST } }\n";
        Estimate gpu = estimate(net, Phase.TEST, GPU, null);
        // Accuracy reads the scores and labels with cpu_data(): host copies of ip (4x5) and y (4)
        assertThat(host(gpu, Component.ACTIVATION_DATA)).isGreaterThanOrEqualTo((4 * 5 + 4) * 4L);
        // the softmax loss top is written on the host; the scores live on the device
        assertThat(device(gpu, Component.ACTIVATION_DATA)).isGreaterThanOrEqualTo((4 * 8 * 10 * 10 + 4 * 5) * 4L);
    }

    @Test
    void fitIsJudgedOnDeviceMemoryAgainstTheCapacity() {
        Estimate gpu = estimate(DATA + conv("") + HEAD, Phase.TRAIN, GPU, null);
        assertThat(gpu.gpu().fits()).isTrue();
        assertThat(gpu.boundBytes()).isEqualTo(gpu.gpu().deviceBytes());
        long device = gpu.gpu().deviceBytes();
        GpuSettings tight = new GpuSettings("tight", device - 1, 300L << 20, 8L << 20, 2L << 20, 1L << 20, 4096, null,
                1, 1, true, 1, List.of());
        assertThat(estimate(DATA + conv("") + HEAD, Phase.TRAIN, tight, null).gpu().fits()).isFalse();
        GpuSettings exact = new GpuSettings("exact", device, 300L << 20, 8L << 20, 2L << 20, 1L << 20, 4096, null,
                1, 1, true, 1, List.of());
        assertThat(estimate(DATA + conv("") + HEAD, Phase.TRAIN, exact, null).gpu().fits()).isTrue();
    }

    @Test
    void sidesAddUpToTheTotalAndEachSideIsALineInTheBatch() {
        Estimate gpu = estimate(DATA + conv("") + HEAD, Phase.TRAIN, GPU, null);
        assertThat(gpu.gpu().deviceBytes() + gpu.gpu().hostBytes()).isEqualTo(gpu.totalBytes());
        GpuBill g = gpu.gpu();
        assertThat(g.deviceFixed() + g.devicePerSample() * gpu.batch()).isEqualTo(g.deviceBytes());
        assertThat(g.hostFixed() + g.hostPerSample() * gpu.batch()).isEqualTo(g.hostBytes());
        // activations grow with the batch on the device: conv top data + diff, ip top data + diff, per sample
        assertThat(g.devicePerSample()).isGreaterThanOrEqualTo(2 * (8 * 10 * 10 + 5) * 4L);
    }

    @Test
    void uncalibratedSettingsSayWhatWasAssumed() {
        GpuSettings assumed = GpuSettings.assumedFor("someboard", 8L << 30);
        Estimate gpu = estimate(DATA + conv("") + HEAD, Phase.TRAIN, assumed, null);
        assertThat(gpu.notes()).anyMatch(n -> n.contains("not calibrated") && n.contains("CUDA context 768.0 MiB"));
        assertThat(device(gpu, Component.CUDA_CONTEXT)).isGreaterThanOrEqualTo(GpuSettings.ASSUMED_CONTEXT);
    }

    @Test
    void dataParallelTrainingHasAFullReplicaPerGpuAndTheTestNetsOnlyOnTheRoot() {
        String net = DATA + conv("") + HEAD;
        String solver = "net: 'net.prototxt' test_iter: 1 test_interval: 100";
        Estimate one = estimate(net, Phase.TRAIN, GPU, solver);
        Estimate four = estimate(net, Phase.TRAIN, GPU.withGpus(4), solver);
        assertThat(one.gpu().multi()).isNull();
        GpuBill.MultiGpu m = four.gpu().multi();
        assertThat(m.gpus()).isEqualTo(4);
        // the root holds exactly what a single GPU holds
        assertThat(m.rootDeviceBytes()).isEqualTo(one.gpu().deviceBytes());
        assertThat(four.boundBytes()).isEqualTo(m.rootDeviceBytes());
        // what only the root has: the test net's forward (its conv top at least), not its setup
        assertThat(m.rootExtraDeviceBytes()).isGreaterThanOrEqualTo(4 * 8 * 10 * 10 * 4L);
        assertThat(m.rootExtraDeviceBytes()).isLessThan(one.testNets().get(0).totalBytes());
        assertThat(m.workerDeviceBytes()).isEqualTo(m.rootDeviceBytes() - m.rootExtraDeviceBytes());
        // NCCL's contiguous params and gradients: 2 x P floats
        long p = 8 * 27 + 8 + 5 * 800 + 5;
        assertThat(m.ncclBufferBytes()).isEqualTo(2 * 4 * p);
        // every replica has its host copies; the workers' lack the test forward's
        long host = one.gpu().hostBytes();
        assertThat(m.hostBytes()).isGreaterThan(3 * host).isLessThanOrEqualTo(4 * host);
        assertThat(four.notes()).anyMatch(n -> n.contains("without NCCL"));
    }

    @Test
    void settingsRejectNonsense() {
        assertThatThrownBy(() -> GPU.withGpus(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GpuSettings.assumedFor("x", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(GPU.deviceChunk(0)).isZero();
        GpuSettings g512 = new GpuSettings("g", 1L << 30, 0, 0, 0, 0, 0, null, 4096, 512, true, 1, List.of());
        assertThat(g512.deviceChunk(1)).isEqualTo(512);
        assertThat(g512.deviceChunk(512)).isEqualTo(512);
        assertThat(g512.deviceChunk(513)).isEqualTo(1024);
        assertThat(g512.pinnedChunk(16)).isEqualTo(4096);
    }
}
