package dev.caffemem.model;

import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Component;
import dev.caffemem.memory.Side;
import dev.caffemem.net.NetGraph;
import java.util.List;

/**
 * The GPU side of an estimate: the CUDA context and library handles priced from the device's settings, the
 * device and host lines, and the per-GPU bill of data-parallel training.
 */
final class GpuBilling {

    private GpuBilling() {
    }

    /**
     * What a GPU run adds up while it builds its nets: threads with a Caffe context, cuDNN handles, streams,
     * cuDNN convolutions, and the test nets' forward bytes on each side (what only the root GPU of a
     * data-parallel run holds).
     */
    static final class Counts {
        int threads;
        int cudnnHandles;
        int streams;
        int cudnnConvLayers;
        long testForwardHost;
        long testForwardDevice;

        /** The calling thread, and the train (or inference) net's layers when {@code gpu}. */
        static Counts forMainNet(NetGraph graph, boolean gpu) {
            Counts c = new Counts();
            c.threads = 1;
            if (gpu) {
                c.count(graph);
            }
            return c;
        }

        /** A test net's layers (it runs on the caller's thread). */
        static Counts forTestNet(NetGraph graph, boolean gpu) {
            Counts c = new Counts();
            if (gpu) {
                c.count(graph);
            }
            return c;
        }

        void add(Counts other) {
            threads += other.threads;
            cudnnHandles += other.cudnnHandles;
            streams += other.streams;
            cudnnConvLayers += other.cudnnConvLayers;
            testForwardHost += other.testForwardHost;
            testForwardDevice += other.testForwardDevice;
        }

        private void count(NetGraph graph) {
            for (NetGraph.Layer l : graph.layers()) {
                cudnnHandles += Engine.cudnnHandles(l);
                streams += Engine.streams(l);
                if (l.type().equals("Convolution") && Engine.cudnn(l)) {
                    cudnnConvLayers++;
                }
                if (Engine.prefetching(l.type())) {
                    threads++;
                    streams++;
                }
            }
        }
    }

    /**
     * The CUDA context and the libraries' handles: one context, a cuBLAS handle and a cuRAND generator per
     * thread with a Caffe context, and the nets' cuDNN handles and streams. All on the device, from {@code tick}
     * (the start of the process: they are counted once the nets are known).
     */
    static void cudaContext(Allocations allocations, GpuSettings s, Counts g, int tick) {
        allocations.create(BufferKey.cuda("context"), s.contextBytes(), Component.CUDA_CONTEXT, -1)
                .touchOnAt(Side.DEVICE, tick);
        allocations.create(BufferKey.cuda("cublasHandles"), g.threads * s.cublasHandleBytes(), Component.CUDA_CONTEXT,
                -1).touchOnAt(Side.DEVICE, tick);
        allocations.create(BufferKey.cuda("curandGenerators"), g.threads * s.curandGeneratorBytes(),
                Component.CUDA_CONTEXT, -1).touchOnAt(Side.DEVICE, tick);
        allocations.create(BufferKey.cuda("cudnnHandles"), g.cudnnHandles * s.cudnnHandleBytes(),
                Component.CUDA_CONTEXT, -1).touchOnAt(Side.DEVICE, tick);
        allocations.create(BufferKey.cuda("streams"), g.streams * s.streamBytes(), Component.CUDA_CONTEXT, -1)
                .touchOnAt(Side.DEVICE, tick);
    }

    /** The GPU bill of the evaluation at the target, with lines from the evaluations at 2 and 3 (or none). */
    static GpuBill bill(EstimateRequest req, Simulation.Run target, Simulation.Run two, Simulation.Run three,
                        int batch, List<String> notes) {
        GpuSettings s = req.gpu();
        long[] host = line(target, two, three, Side.HOST, batch);
        long[] device = line(target, two, three, Side.DEVICE, batch);
        Counts g = target.gpu();
        GpuBill.MultiGpu multi = null;
        if (s.gpus() > 1) {
            multi = multiGpu(s, target, g);
            notes.add("data-parallel training as BVLC Caffe 1.0 built with NCCL runs it (caffe train --gpu 0,1,...): "
                    + "each GPU holds a full replica at the prototxt batch (" + batch + ", " + (batch * s.gpus())
                    + " samples per iteration in all); the JavaCPP preset's libcaffe is built without NCCL");
            notes.add("NCCL's own communicator buffers are not included (NCCL-version dependent)");
        }
        if (!s.assumptions().isEmpty()) {
            notes.add((s.calibrated() ? "assumed for " + s.name() + " (not measured): "
                    : "the device profile " + s.name() + " is not calibrated; assumed: ")
                    + String.join(", ", s.assumptions())
                    + (s.calibrated() ? "" : "; caffemem calibrate on the device measures them"));
        }
        if (g.cudnnConvLayers > 0) {
            notes.add(g.cudnnConvLayers + " convolution layer(s) on cuDNN: each workspace is "
                    + (s.convWorkspaceBytes() != null ? "the calibrated figure" : "Caffe 1.0's bound of 8 MiB x 3 x group")
                    + "; the JavaCPP build's cuDNN 8 patch lifts the limit, so a real workspace can be larger "
                    + "(engine: CAFFE in convolution_param avoids cuDNN)");
        }
        dev.caffemem.memory.MemoryBreakdown whole = target.allocations().breakdown();
        return new GpuBill(s, whole.onSide(Side.HOST), whole.onSide(Side.DEVICE), host[0], host[1], device[0],
                device[1], g.threads, g.cudnnHandles, g.streams, g.cudnnConvLayers, multi);
    }

    private static GpuBill.MultiGpu multiGpu(GpuSettings s, Simulation.Run target, Counts g) {
        long root = target.allocations().total(Side.DEVICE);
        long worker = root - g.testForwardDevice;
        long hostOne = target.allocations().total(Side.HOST);
        long hostAll = hostOne + (s.gpus() - 1L) * (hostOne - g.testForwardHost);
        long p = 0;
        for (NetGraph.Param param : target.graph().params()) {
            if (param.learnable()) {
                p += param.shape().count();
            }
        }
        return new GpuBill.MultiGpu(s.gpus(), root, worker, root - worker, 2 * Float.BYTES * Math.max(1, p), hostAll);
    }

    /** {fixed, perSample} of one side's total, anchored at the target like the components. */
    private static long[] line(Simulation.Run target, Simulation.Run two, Simulation.Run three, Side side, int batch) {
        long at = target.allocations().total(side);
        if (two == null) {
            return new long[] {at, 0};
        }
        // as for the components: the overhead's slope is rounding noise, not growth
        long slope = three.allocations().total(side) - three.allocations().byComponent(side).get(Component.OVERHEAD)
                - two.allocations().total(side) + two.allocations().byComponent(side).get(Component.OVERHEAD);
        return new long[] {at - slope * batch, slope};
    }
}
