package dev.caffemem.model;

import dev.caffemem.memory.Component;
import dev.caffemem.net.NetGraph;
import dev.caffemem.net.Phase;
import dev.caffemem.prototxt.Message;

/**
 * Where a GPU build of Caffe 1.0 touches different buffers than the CPU code (src/caffe/layers/*.cu,
 * cudnn_*.cpp): cuDNN layers (no im2col, a workspace, bottom diffs only when asked for), scratch diffs
 * of the loss layers, Dropout without a mask in TEST, multipliers that GPU kernels read, and data
 * layers whose prefetch batches live on both sides. Layers without GPU code run their CPU behaviour on
 * the host (see {@link Engine#cpuOnly}); everything else runs its CPU behaviour on the device.
 */
final class GpuBehaviors {

    private GpuBehaviors() {
    }

    static LayerBehavior of(NetGraph.Layer layer, LayerBehavior cpu, GpuSettings gpu) {
        String type = layer.type();
        boolean cudnn = Engine.cudnn(layer);
        return switch (type) {
            case "Convolution" -> cudnn ? new CudnnConv(gpu) : new CaffeGpuConv(cpu);
            case "Pooling" -> cudnn ? new CudnnSimple(cpu, true) : cpu;
            case "LRN" -> cudnn ? new CudnnSimple(cpu, false) : cpu;
            case "Softmax" -> cudnn ? new CudnnSimple(cpu, true) : cpu;
            case "Dropout" -> new GpuDropout(cpu);
            case "SoftmaxWithLoss", "SigmoidCrossEntropyLoss", "EuclideanLoss", "ContrastiveLoss", "Reduction" ->
                    new HostTopLoss(cpu, type);
            case "Data", "ImageData", "WindowData" -> new DevicePrefetch(cpu);
            case "InnerProduct", "Embed", "Bias", "Scale", "BatchNorm", "MVN", "PReLU" -> new DeviceMultipliers(cpu, type);
            default -> cpu;
        };
    }

    /** A GPU behaviour that starts from the layer's CPU one: setup, forward and backward delegate unless overridden. */
    private abstract static class OnTopOfCpu implements LayerBehavior {
        final LayerBehavior cpu;

        OnTopOfCpu(LayerBehavior cpu) {
            this.cpu = cpu;
        }

        @Override
        public void setUp(LayerRun r) {
            cpu.setUp(r);
        }

        @Override
        public void forward(LayerRun r) {
            cpu.forward(r);
        }

        @Override
        public void backward(LayerRun r) {
            cpu.backward(r);
        }
    }

    private static boolean within(NetGraph.Layer layer) {
        return layer.spec().param().getMessage("lrn_param").getEnum("norm_region").equals("WITHIN_CHANNEL");
    }

    /**
     * cuDNN convolution (cudnn_conv_layer.cpp/.cu): no col_buffer; bias_multiplier set on the host but
     * never read on the device; one workspace of 3 x group slots; the bottom diff only when propagate_down.
     */
    private static final class CudnnConv implements LayerBehavior {
        private final GpuSettings gpu;

        CudnnConv(GpuSettings gpu) {
            this.gpu = gpu;
        }

        @Override
        public void setUp(LayerRun r) {
            Message p = r.params("convolution_param");
            int spatial = r.bottom(0).shape().axes() - r.bottom(0).shape().canonicalAxis(p.getInt("axis")) - 1;
            if (spatial != 2) {
                throw r.fatal("cuDNN convolution needs exactly 2 spatial axes (found " + spatial + "); set engine: CAFFE");
            }
            for (String name : new String[] {"kernel_shape", "stride", "pad", "dilation"}) {
                r.internal(name, 2).touchData();
            }
            r.internal("conv_input_shape", 3).touchData();
            if (p.getBool("bias_term")) {
                r.internal("bias_multiplier", r.top(0).shape().count(2)).touchData();
            }
            r.detached("cudnn_workspace", (gpu.convWorkspace(p.getInt("group")) + Float.BYTES - 1) / Float.BYTES,
                    Component.WORKSPACE, false);
            r.onDevice(() -> r.internalDetached("cudnn_workspace").touch());
        }

        @Override
        public void forward(LayerRun r) {
            r.param(0).touchData();
            if (r.paramBlobs().size() > 1) {
                r.param(1).touchData();
            }
            for (int i = 0; i < r.bottoms().size(); i++) {
                r.bottom(i).touchData();
                r.top(i).touchData();
            }
        }

        @Override
        public void backward(LayerRun r) {
            if (r.paramPropagateDown(0)) {
                r.param(0).touchDiff();
            }
            if (r.paramBlobs().size() > 1 && r.paramPropagateDown(1)) {
                r.param(1).touchDiff();
            }
            for (int i = 0; i < r.tops().size(); i++) {
                r.top(i).touchDiff();
                if (r.propagateDown(i)) {
                    r.bottom(i).touchDiff();
                }
            }
        }
    }

    /** Caffe's convolution on the GPU: as on the CPU, but the bottom's data and diff only when a gradient is asked for. */
    private static final class CaffeGpuConv extends OnTopOfCpu {
        CaffeGpuConv(LayerBehavior cpu) {
            super(cpu);
        }

        @Override
        public void forward(LayerRun r) {
            cpu.forward(r);
            if (r.params("convolution_param").getBool("bias_term")) {
                r.internal("bias_multiplier", r.top(0).shape().count(r.bottom(0).shape()
                        .canonicalAxis(r.params("convolution_param").getInt("axis")) + 1)).touchData();
            }
        }

        @Override
        public void backward(LayerRun r) {
            boolean any = r.paramPropagateDown(0);
            for (int i = 0; i < r.bottoms().size(); i++) {
                any |= r.propagateDown(i);
            }
            if (any) {
                cpu.backward(r);
            } else {
                // only the parameter gradients: bias, and nothing of the bottoms
                r.param(0).touchDiff();
                for (int i = 0; i < r.tops().size(); i++) {
                    r.top(i).touchDiff();
                }
                if (r.paramBlobs().size() > 1 && r.paramPropagateDown(1)) {
                    r.param(1).touchDiff();
                }
            }
        }
    }

    /**
     * cuDNN pooling (AVE), softmax and LRN/LCN: no internal buffers of Caffe's own (cuDNN softmax never
     * touches scale_; LCN has two device temporaries), and a backward only when propagate_down (or
     * always, for cuDNN LRN and LCN).
     */
    private static final class CudnnSimple extends OnTopOfCpu {
        private final boolean backwardOnlyIfAsked;

        CudnnSimple(LayerBehavior cpu, boolean backwardOnlyIfAsked) {
            super(cpu);
            this.backwardOnlyIfAsked = backwardOnlyIfAsked;
        }

        @Override
        public void setUp(LayerRun r) {
            if (r.layer().type().equals("Softmax")) {
                cpu.setUp(r);
            }
            if (r.layer().type().equals("Pooling") && r.params("pooling_param").getEnum("pool").equals("STOCHASTIC")) {
                throw r.fatal("cuDNN pooling has no STOCHASTIC method (Caffe aborts: \"Unknown pooling method\"); set engine: CAFFE");
            }
            if (r.layer().type().equals("LRN") && within(r.layer())) {
                // cuDNN LCN: two raw N x C x H x W device temporaries from setup
                long count = r.bottom(0).count();
                r.onDevice(() -> {
                    r.detached("lcn_temp1", count, Component.LAYER_BUFFERS, true);
                    r.detached("lcn_temp2", count, Component.LAYER_BUFFERS, true);
                });
            }
        }

        @Override
        public void forward(LayerRun r) {
            r.bottom(0).touchData();
            r.top(0).touchData();
        }

        @Override
        public void backward(LayerRun r) {
            if (!backwardOnlyIfAsked || r.propagateDown(0)) {
                r.top(0).touchDiff();
                r.bottom(0).touchDiff();
            }
        }
    }

    /** Dropout on the GPU takes its mask only in TRAIN. */
    private static final class GpuDropout extends OnTopOfCpu {
        GpuDropout(LayerBehavior cpu) {
            super(cpu);
        }

        @Override
        public void forward(LayerRun r) {
            if (r.phase() == Phase.TRAIN) {
                cpu.forward(r);
            } else {
                r.bottom(0).touchData();
                r.top(0).touchData();
            }
        }
    }

    /**
     * Loss layers whose GPU code writes the scalar top on the host and reads its diff there, and uses
     * bottom diffs as scratch in Forward (SoftmaxWithLoss: the scores'; SigmoidCrossEntropyLoss: both).
     */
    private static final class HostTopLoss extends OnTopOfCpu {
        private final String type;

        HostTopLoss(LayerBehavior cpu, String type) {
            super(cpu);
            this.type = type;
        }

        @Override
        public void forward(LayerRun r) {
            cpu.forward(r);
            switch (type) {
                case "SoftmaxWithLoss" -> {
                    r.bottom(0).touchDiff();
                    r.internal("prob", r.bottom(0).count()).touchDiff();
                }
                case "SigmoidCrossEntropyLoss" -> {
                    r.bottom(0).touchDiff();
                    r.bottom(1).touchDiff();
                }
                case "ContrastiveLoss" -> {
                    r.internal("diff_sq", r.internal("diff", 0).count()).touchData();
                    r.onHost(() -> {
                        r.internal("dist_sq", 0).touchData();
                        r.bottom(2).touchData();
                    });
                    r.internal("summer_vec", 0).touchData();
                }
                default -> {
                }
            }
            r.onHost(() -> r.top(0).touchData());
        }

        @Override
        public void backward(LayerRun r) {
            cpu.backward(r);
            r.onHost(() -> r.top(0).touchDiff());
        }
    }

    /** Prefetching data layers: every batch on the host (pinned) and on the device, from setup; tops borrow the device copy. */
    private static final class DevicePrefetch extends OnTopOfCpu {
        DevicePrefetch(LayerBehavior cpu) {
            super(cpu);
        }

        @Override
        public void setUp(LayerRun r) {
            cpu.setUp(r);
            r.onDevice(() -> r.touchDetached("prefetch"));
        }

        @Override
        public void backward(LayerRun r) {
        }
    }

    /** Layers whose GPU kernels read multipliers that setup wrote on the host, so those get device copies too. */
    private static final class DeviceMultipliers extends OnTopOfCpu {
        private final String type;

        DeviceMultipliers(LayerBehavior cpu, String type) {
            super(cpu);
            this.type = type;
        }

        @Override
        public void forward(LayerRun r) {
            cpu.forward(r);
            switch (type) {
                case "InnerProduct", "Embed", "Bias" -> r.touchInternal("bias_multiplier");
                case "Scale" -> r.touchInternal("bias/bias_multiplier");
                case "BatchNorm" -> {
                    r.touchInternal("spatial_sum_multiplier");
                    r.touchInternal("batch_sum_multiplier");
                }
                case "MVN" -> r.touchInternal("sum_multiplier");
                default -> {
                }
            }
        }

        @Override
        public void backward(LayerRun r) {
            cpu.backward(r);
            if (type.equals("Scale")) {
                r.touchInternal("sum_multiplier");
            }
            if (type.equals("PReLU") && r.paramPropagateDown(0)) {
                long count = r.bottom(0).shape().count(1);
                r.internal("backward_buff", count).touchDiff();
                r.touchInternal("multiplier");
            }
        }
    }
}
