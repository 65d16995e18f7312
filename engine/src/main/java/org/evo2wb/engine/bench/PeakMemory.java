package org.evo2wb.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory and its peak on Linux ({@code VmRSS}, {@code VmHWM} of {@code /proc/self/status});
 * the peak can be reset to the current resident size by writing 5 to {@code /proc/self/clear_refs}.
 */
public final class PeakMemory {

    private PeakMemory() {
    }

    /** Resident bytes now, or -1 where /proc is not available. */
    public static long residentBytes() {
        return field("VmRSS:");
    }

    /** Peak resident bytes since the start or the last {@link #resetPeak()}, or -1. */
    public static long peakBytes() {
        return field("VmHWM:");
    }

    /** Resets the peak to the current resident size; false where the system does not allow it. */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
