package org.evo2wb.engine.train.parallel;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory in use, for the step metrics: device memory on a GPU, resident memory of the process on the CPU. */
public final class MemoryProbe {

    private MemoryProbe() {
    }

    public static long usedBytes(Device device) {
        if (device.isGpu()) {
            try {
                return CudaUtils.getGpuMemory(device).getUsed();
            } catch (RuntimeException e) {
                return -1;
            }
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
