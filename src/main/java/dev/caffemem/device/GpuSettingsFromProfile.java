package dev.caffemem.device;

import dev.caffemem.model.GpuSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a device profile into what the analytical GPU model reads: each overhead as calibrated, or,
 * where the profile has none (null: never measured), the model's assumed figure, listed so the user
 * sees exactly what was assumed.
 */
public final class GpuSettingsFromProfile {

    private GpuSettingsFromProfile() {
    }

    /**
     * @param capacityOverride device memory to plan against instead of the profile's (e.g. a share of a
     *                         MIG-partitioned or otherwise occupied GPU), or null
     * @param gpus             GPUs of a data-parallel run
     */
    public static GpuSettings of(DeviceProfile p, Long capacityOverride, int gpus) {
        DeviceProfile.Overheads o = p.overheads();
        List<String> assumed = new ArrayList<>();
        long context = pick(o.cudaContextBytes(), GpuSettings.ASSUMED_CONTEXT, "CUDA context", assumed);
        long cublas = pick(o.cublasHandleBytes(), GpuSettings.ASSUMED_CUBLAS_HANDLE, "cuBLAS handle", assumed);
        long curand = pick(o.curandGeneratorBytes(), GpuSettings.ASSUMED_CURAND_GENERATOR, "cuRAND generator", assumed);
        long cudnn = pick(o.cudnnHandleBytes(), GpuSettings.ASSUMED_CUDNN_HANDLE, "cuDNN handle", assumed);
        long granularity;
        if (o.allocationGranularityBytes() != null) {
            granularity = o.allocationGranularityBytes();
        } else {
            granularity = GpuSettings.ASSUMED_DEVICE_GRANULARITY;
            assumed.add("cudaMalloc granularity " + granularity + " B");
        }
        Long workspace = o.cudnnWorkspaceBytes().get("Convolution");
        if (workspace == null) {
            assumed.add("cuDNN convolution workspace 8 MiB x 3 x group per layer (Caffe 1.0's limit)");
        }
        assumed.add("pinned granularity " + GpuSettings.ASSUMED_PINNED_GRANULARITY + " B");
        long capacity = capacityOverride != null ? capacityOverride : p.effectiveCapacityBytes();
        return new GpuSettings(p.name(), capacity, context, cublas, curand, cudnn, 0, workspace,
                GpuSettings.ASSUMED_PINNED_GRANULARITY, granularity, p.calibrated(), gpus, assumed);
    }

    private static long pick(Long measured, long assumedValue, String what, List<String> assumed) {
        if (measured != null) {
            return measured;
        }
        assumed.add(String.format(Locale.ROOT, "%s %.1f MiB", what, assumedValue / 1048576.0));
        return assumedValue;
    }
}
