package dev.caffemem.probe;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvml;
import org.bytedeco.cuda.nvml.nvmlDevice_st;
import org.bytedeco.cuda.nvml.nvmlMemory_t;
import org.bytedeco.cuda.nvml.nvmlProcessInfo_t;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * Device memory as the probe child reads it on an NVIDIA GPU: the process's own usage from NVML
 * ({@code nvmlDeviceGetComputeRunningProcesses_v3}, what nvidia-smi shows per process, CUDA context
 * included) and the device's from {@code cudaMemGetInfo}. Opening it before any CUDA call also reads
 * what the device held before this process touched it.
 *
 * <p>Every way the GPU can be missing (no CUDA classes in this build, no CUDA libraries, no driver, no
 * such device) ends in one {@link GpuUnavailableException} with a sentence for the user, never in an
 * {@link UnsatisfiedLinkError} or a crash.
 */
final class GpuMeter {
    private final int index;
    private final nvmlDevice_st device;
    private final String name;
    private final String driver;
    private final long totalBytes;
    private final long usedBeforeContext;

    private GpuMeter(int index, nvmlDevice_st device, String name, String driver, long totalBytes, long usedBefore) {
        this.index = index;
        this.device = device;
        this.name = name;
        this.driver = driver;
        this.totalBytes = totalBytes;
        this.usedBeforeContext = usedBefore;
    }

    /** Loads NVML and the CUDA runtime and checks device {@code index}; no CUDA context exists yet afterwards. */
    static GpuMeter open(int index) {
        try {
            Loader.load(nvml.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new GpuUnavailableException("NVML (libnvidia-ml.so.1, installed with the NVIDIA driver) could not "
                    + "be loaded: no NVIDIA driver on this machine, or this jar was built without GPU support "
                    + "(mvn -Pgpu package) [" + firstLine(e) + "]");
        }
        check(nvml.nvmlInit_v2(), "nvmlInit");
        nvmlDevice_st device = new nvmlDevice_st();
        int rc = nvml.nvmlDeviceGetHandleByIndex_v2(index, device);
        if (rc != nvml.NVML_SUCCESS) {
            IntPointer count = new IntPointer(1);
            nvml.nvmlDeviceGetCount_v2(count);
            throw new GpuUnavailableException("no GPU " + index + " on this machine (NVML sees " + count.get()
                    + "; gpu:N counts from 0 as nvidia-smi does)");
        }
        BytePointer text = new BytePointer(96);
        check(nvml.nvmlDeviceGetName(device, text, 96), "nvmlDeviceGetName");
        String name = text.getString();
        check(nvml.nvmlSystemGetDriverVersion(text, 96), "nvmlSystemGetDriverVersion");
        String driver = text.getString();
        nvmlMemory_t memory = new nvmlMemory_t();
        check(nvml.nvmlDeviceGetMemoryInfo(device, memory), "nvmlDeviceGetMemoryInfo");
        try {
            Loader.load(cudart.class);
        } catch (UnsatisfiedLinkError e) {
            throw new GpuUnavailableException("the CUDA 11.8 runtime (libcudart.so.11.0) could not be loaded: install "
                    + "CUDA 11.8 and cuDNN 8 (or use the nvidia/cuda:11.8.0-cudnn8-runtime image, or build with "
                    + "-Dcuda.redist=true) [" + firstLine(e) + "]");
        }
        IntPointer count = new IntPointer(1);
        int cuda = cudart.cudaGetDeviceCount(count);
        if (cuda != cudart.cudaSuccess) {
            throw new GpuUnavailableException("CUDA cannot use the GPU: " + cudart.cudaGetErrorString(cuda).getString()
                    + " (driver " + driver + "; CUDA 11.8 needs driver 450.80.02 or newer)");
        }
        return new GpuMeter(index, device, name, driver, memory.total(), memory.used());
    }

    private static void check(int rc, String call) {
        if (rc != nvml.NVML_SUCCESS) {
            throw new GpuUnavailableException(call + " failed: " + nvml.nvmlErrorString(rc).getString());
        }
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    int index() {
        return index;
    }

    String name() {
        return name;
    }

    String driver() {
        return driver;
    }

    long totalBytes() {
        return totalBytes;
    }


    /** Device memory in use by anyone now (cudaMemGetInfo: total - free); needs the context. */
    long deviceUsedBytes() {
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            int rc = cudart.cudaMemGetInfo(free, total);
            if (rc != cudart.cudaSuccess) {
                throw new GpuUnavailableException("cudaMemGetInfo failed: " + cudart.cudaGetErrorString(rc).getString());
            }
            return total.get() - free.get();
        }
    }

    /**
     * This process's device memory as NVML accounts it (context, modules, every allocation); -1 where the
     * driver does not say (in containers without the host's PID namespace NVML lists other PIDs).
     */
    long processBytes() {
        long pid = ProcessHandle.current().pid();
        int capacity = 64;
        try (IntPointer count = new IntPointer(1)) {
            count.put(capacity);
            nvmlProcessInfo_t infos = new nvmlProcessInfo_t(capacity);
            int rc = nvml.nvmlDeviceGetComputeRunningProcesses_v3(device, count, infos);
            if (rc != nvml.NVML_SUCCESS) {
                return -1;
            }
            for (int i = 0; i < count.get(); i++) {
                nvmlProcessInfo_t info = infos.getPointer(i);
                if (info.pid() == pid) {
                    long used = info.usedGpuMemory();
                    // NVML_VALUE_NOT_AVAILABLE is (unsigned long long) -1
                    return used < 0 ? -1 : used;
                }
            }
            return -1;
        }
    }

    /** Device memory this process holds: NVML's figure, else the device's growth since before the context. */
    long ownBytes() {
        long own = processBytes();
        return own >= 0 ? own : deviceUsedBytes() - usedBeforeContext;
    }
}
