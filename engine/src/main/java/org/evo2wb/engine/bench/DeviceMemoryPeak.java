package org.evo2wb.engine.bench;

import ai.djl.Device;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most GPU memory in use while a benchmark runs: a daemon thread reads the driver's figure for the device
 * (total minus free, as {@code nvidia-smi} shows it) every few milliseconds and keeps the largest.
 *
 * <p>What the figure includes: the CUDA context (about 0.5 GiB), every block PyTorch's caching allocator has reserved
 * (it keeps freed blocks, so the figure is the peak of reserved memory, at least the peak of memory holding
 * tensors), and any other process on the same GPU. PyTorch's own counters ({@code torch.cuda.max_memory_allocated},
 * {@code max_memory_reserved}) are what the official Evo 2 code reports, but DJL 0.36 does not expose them (its
 * PyTorch bindings offer only {@code emptyCudaCache}); so compare our peak with the official
 * {@code max_memory_reserved} plus the context, not with {@code max_memory_allocated}.
 */
public final class DeviceMemoryPeak implements AutoCloseable {

    private static final long PERIOD_MILLIS = 5;

    private final Device device;
    private final long before;
    private final AtomicLong peak;
    private final Thread sampler;
    private volatile boolean running = true;

    private DeviceMemoryPeak(Device device) {
        this.device = device;
        this.before = MemoryStats.deviceUsed(device);
        this.peak = new AtomicLong(before);
        if (before < 0) {
            sampler = null;
            return;
        }
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(PERIOD_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gpu-memory-peak");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling {@code device}; on the CPU (or where the driver cannot say) nothing is sampled. */
    public static DeviceMemoryPeak start(Device device) {
        return new DeviceMemoryPeak(device);
    }

    private void sample() {
        long used = MemoryStats.deviceUsed(device);
        peak.accumulateAndGet(used, Math::max);
    }

    /** The largest figure seen so far (bytes), or -1 where nothing is sampled. */
    public long peakBytes() {
        if (before < 0) {
            return -1;
        }
        sample();
        return peak.get();
    }

    /** The figure when sampling started (bytes): the CUDA context and other processes, or -1. */
    public long beforeBytes() {
        return before;
    }

    /** "; GPU memory peak 16.80 GiB (0.52 GiB in use before)", or "" on the CPU. */
    public String describe() {
        return describe(peakBytes(), before);
    }

    /** {@link #describe()} of a peak and the figure before it, "" where the peak is -1 (nothing sampled). */
    public static String describe(long peakBytes, long beforeBytes) {
        return peakBytes < 0 ? "" : String.format(Locale.ROOT, "; GPU memory peak %.2f GiB (%.2f GiB in use before)",
                peakBytes / 1073741824.0, beforeBytes / 1073741824.0);
    }

    @Override
    public void close() {
        running = false;
        if (sampler != null) {
            sampler.interrupt();
        }
    }
}
