package org.evo2wb.engine.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.ManagementFactory;

/** The devices of this process as the PyTorch engine reports them; a GPU is checked when first asked about. */
final class ProcessDevices implements DeviceList {

    static final ProcessDevices INSTANCE = new ProcessDevices();

    private ProcessDevices() {
    }

    @Override
    public int gpuCount() {
        return Engine.getInstance().getGpuCount();
    }

    @Override
    public GpuCheck.Result check(int index) {
        return GpuCheck.of(Device.gpu(index));
    }

    @Override
    public long memoryBytes(Device device) {
        if (device.isGpu()) {
            try {
                return CudaUtils.getGpuMemory(device).getMax();
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                return -1;
            }
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }
}
