package dev.caffemem.model;

import dev.caffemem.memory.BufferKey;
import dev.caffemem.memory.Component;
import dev.caffemem.memory.Side;
import dev.caffemem.net.NetGraph;
import java.util.List;
import java.util.Map;

/**
 * A net's bookkeeping (C++ objects, protobuf copies, allocator rounding of its buffers) as buffers of its own,
 * so that the bill is what the allocator hands out, not only what Caffe asks for.
 */
final class Overhead {

    private Overhead() {
    }

    /**
     * Adds one net's overhead to {@code allocations}: on the CPU one host buffer (the objects and glibc's
     * rounding of every touched buffer). In GPU mode Caffe's host buffers are pinned (cudaMallocHost rounds them
     * to pages, every Blob's shape buffer included), and cudaMalloc's rounding of the device buffers is a
     * second, device-side buffer.
     *
     * @param testNet the solver's test net, or -1 for the train (or inference) net
     * @return the structural features the objects were priced from
     */
    static Map<String, Double> add(NetCache cache, EstimateRequest req, Allocations allocations, NetGraph graph,
                                   int blobObjects, SolverType solver, int copies, int testNet, String role) {
        Map<String, Double> features = cache.features(graph, solver, copies, role);
        GpuSettings gpu = req.gpu();
        // this net's own buffers only: a test net's, copied into the process's allocations, round in its own
        // (the CUDA context and handles are no cudaMalloc of Caffe's: nothing to round)
        List<Buffer> own = allocations.touched().stream()
                .filter(b -> b.key().testNet() == testNet && b.key().kind() != BufferKey.Kind.CUDA).toList();
        if (gpu == null) {
            long bytes = Bookkeeping.objects(features) + Bookkeeping.rounding(own);
            allocations.create(BufferKey.overhead(testNet), bytes, Component.OVERHEAD, -1).touch();
            return features;
        }
        long pinned = 0;
        long device = 0;
        for (Buffer b : own) {
            if (b.touchedOn(Side.HOST)) {
                pinned += gpu.pinnedChunk(b.bytes()) - b.bytes();
            }
            if (b.touchedOn(Side.DEVICE)) {
                device += gpu.deviceChunk(b.bytes()) - b.bytes();
            }
        }
        // a shape buffer (4 bytes per axis, 4 axes typically) is a pinned allocation instead of a glibc chunk
        long shapes = blobObjects * Math.max(0, gpu.pinnedChunk(4 * 4) - Bookkeeping.chunk(4 * 4));
        allocations.create(BufferKey.overhead(testNet), Bookkeeping.objects(features) + pinned + shapes,
                Component.OVERHEAD, -1).touchOn(Side.HOST);
        allocations.create(BufferKey.deviceRounding(testNet), device, Component.OVERHEAD, -1).touchOn(Side.DEVICE);
        return features;
    }
}
