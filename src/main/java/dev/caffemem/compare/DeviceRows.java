package dev.caffemem.compare;

import dev.caffemem.fit.LinearFit;
import dev.caffemem.memory.Allocation;
import dev.caffemem.memory.Side;
import dev.caffemem.model.Estimate;
import dev.caffemem.model.GpuBill;
import dev.caffemem.model.GpuSettings;
import java.util.List;

/** The probe report's device rows on a GPU, from what the child measured. */
final class DeviceRows {

    private DeviceRows() {
    }

    /**
     * On a GPU the bill that must fit is device memory, so device rows come last (the report's total):
     * the context (what the process held before the point's nets: CUDA context, modules, the calling
     * thread's cuBLAS and cuRAND), the blobs the census finds on the device, and the rest of the device
     * growth (layer buffers, prefetch batches, cuDNN workspaces and handles, prefetch threads' handles,
     * rounding). cuDNN picks each workspace per shape, so the rest is fitted on its own line and its
     * residual is shown. The glibc rows cover pageable host memory only: pinned buffers are cudaMallocHost's.
     */
    static void add(GpuSettings gpu, Estimate estimate, List<PointResult> points, PointResult verified, int target,
                    List<Comparison> rows, List<String> notes) {
        GpuBill bill = estimate.gpu();
        long contextEstimate = gpu.contextBytes() + gpu.cublasHandleBytes() + gpu.curandGeneratorBytes();
        long blobEstimate = estimate.breakdown().censusView().onSide(Side.DEVICE).allocations().stream()
                .mapToLong(Allocation::bytes).sum();
        Comparison context = ProbeComparison.row(Comparison.CUDA_CONTEXT, contextEstimate, points,
                p -> p.gpu().contextBytes(), verified, target, notes);
        Comparison blobs = ProbeComparison.row(Comparison.DEVICE_BLOBS, blobEstimate, points,
                PointResult::deviceBlobBytes, verified, target, notes);
        Comparison rest = ProbeComparison.row(Comparison.DEVICE_OTHER, bill.deviceBytes() - contextEstimate - blobEstimate,
                points, p -> p.gpu().deviceBytes() - p.deviceBlobBytes(), verified, target, notes);
        LinearFit whole = ProbeComparison.fit(points, p -> p.gpu().contextBytes() + p.gpu().deviceBytes());
        rows.add(context);
        rows.add(blobs);
        rows.add(rest);
        rows.add(new Comparison(Comparison.DEVICE, bill.deviceBytes(),
                context.extrapolated() + blobs.extrapolated() + rest.extrapolated(),
                verified == null ? null : verified.gpu().contextBytes() + verified.gpu().deviceBytes(), whole));
        StringBuilder perPoint = new StringBuilder();
        for (PointResult p : points) {
            perPoint.append(perPoint.length() == 0 ? "" : ", ").append("batch ").append(p.batch()).append(": ")
                    .append(p.gpu().deviceBytes() - p.deviceBlobBytes());
        }
        notes.add("device bytes besides blobs per point (layer buffers, prefetch, cuDNN workspaces and handles; "
                + "cuDNN chooses workspaces per shape, so this part need not be linear): " + perPoint);
        notes.add("GPU " + points.get(0).gpu().name() + ", driver " + points.get(0).gpu().driver()
                + "; host rows count pageable memory only (Caffe's host buffers are pinned in GPU mode)");
    }
}
