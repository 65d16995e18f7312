package org.evo2wb.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Process figures benchmarks report: Java heap in use, native resident set (Linux /proc), CPU time. */
public final class MemoryStats {

    private MemoryStats() {
    }

    /** CPU time of the whole process so far (all threads, user + system), nanoseconds; -1 when unavailable. */
    public static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /**
     * Minor page faults of the process so far (/proc/self/stat field 10), or -1 when unavailable. On virtual machines
     * that hand freed memory back to the host, each fault is costly, so faults per call show how well the native
     * allocator reuses memory, independent of other load on the machine.
     */
    public static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Java heap in use now, bytes. */
    public static long heapUsed() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /** A field of /proc/self/status in bytes (e.g. VmRSS, VmHWM = peak RSS), or -1 when unavailable. */
    public static long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    String[] p = line.substring(field.length() + 1).trim().split("\\s+");
                    return Long.parseLong(p[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Memory in use on a GPU (PyTorch keeps freed blocks cached, so after a run this is close to its peak), or -1
     * for the CPU or when the driver cannot say.
     */
    public static long deviceUsed(ai.djl.Device device) {
        if (!device.isGpu()) {
            return -1;
        }
        try {
            return ai.djl.util.cuda.CudaUtils.getGpuMemory(device).getUsed();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    public static String summary() {
        return String.format(Locale.ROOT, "heap used %.1f MiB, RSS %.1f MiB, peak RSS (VmHWM) %.1f MiB",
                heapUsed() / 1048576.0, procStatus("VmRSS") / 1048576.0, procStatus("VmHWM") / 1048576.0);
    }
}
