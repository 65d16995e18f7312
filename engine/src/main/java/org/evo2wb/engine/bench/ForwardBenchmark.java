package org.evo2wb.engine.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.ModelArchitecture;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;

/**
 * Forward-pass throughput of a model with random weights of a given architecture: tokens/s over timed repetitions
 * after warm-up, and memory (Java heap, native RSS and peak RSS). Backs {@code evo2wb bench forward}.
 */
public final class ForwardBenchmark {

    /** Outcome of one benchmark. */
    public record Result(String label, long parameters, int batch, int length, int repetitions, double[] seconds,
                         double cpuSecondsPerForward, long heapBytes, long rssBytes, long peakRssBytes,
                         long devicePeakBytes, long deviceBeforeBytes) {

        /** The GPU's peak in use ({@link DeviceMemoryPeak}), or on the CPU the process's peak resident memory. */
        public long peakBytes() {
            return devicePeakBytes >= 0 ? devicePeakBytes : peakRssBytes;
        }

        public double medianSeconds() {
            double[] s = seconds.clone();
            Arrays.sort(s);
            return s[s.length / 2];
        }

        public double tokensPerSecond() {
            return (double) batch * length / medianSeconds();
        }

        public String format() {
            return String.format(Locale.ROOT,
                    "%s: %,d parameters, batch %d x length %d: median %.1f ms/forward (process CPU %.1f ms), "
                            + "%,.0f tokens/s; heap %.1f MiB, RSS %.1f MiB, peak RSS %.1f MiB%s",
                    label, parameters, batch, length, medianSeconds() * 1e3, cpuSecondsPerForward * 1e3,
                    tokensPerSecond(), heapBytes / 1048576.0,
                    rssBytes / 1048576.0, peakRssBytes / 1048576.0,
                    DeviceMemoryPeak.describe(devicePeakBytes, deviceBeforeBytes));
        }
    }

    private ForwardBenchmark() {
    }

    /**
     * The first {@code layers} blocks of an architecture (the same block kinds at the same indices), to time a
     * slice of a model too large for the device; the time of the whole model is roughly proportional.
     */
    public static ModelArchitecture firstLayers(ModelArchitecture a, int layers) {
        return a.firstLayers(layers);
    }

    /** Forward benchmark of a bundled preset's shapes (random weights). */
    public static Result runPreset(String preset, int batch, int length, int warmup, int repetitions, Device device,
                                   Precision precision) {
        return run(preset, ModelArchitecture.of(Evo2Config.preset(preset)), batch, length, warmup, repetitions, device,
                precision);
    }

    /** Token ids of random bases (A, C, G, T as their byte codes), (B, L), the same for every call. */
    static NDArray randomBases(NDManager m, int batch, int length) {
        Random r = new Random(5);
        long[] ids = new long[batch * length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "ACGT".charAt(r.nextInt(4));
        }
        return m.create(ids, new Shape(batch, length));
    }

    /**
     * Runs {@code warmup} untimed and {@code repetitions} timed forwards of a random batch (B, L) through a random
     * model of {@code arch}, with grad mode off. On a GPU the result includes the peak of device memory in use from
     * before the model is built ({@link DeviceMemoryPeak}); in fp16-mixed the model holds fp16 linear weights only.
     */
    public static Result run(String label, ModelArchitecture arch, int batch, int length, int warmup, int repetitions,
                             Device device, Precision precision) {
        try (DeviceMemoryPeak peak = DeviceMemoryPeak.start(device); GradMode g = GradMode.disabled();
             StripedHyena model = StripedHyena.random(arch, 1234, device, precision);
             NDManager m = NDManager.newBaseManager(device)) {
            NDArray tok = randomBases(m, batch, length);
            double[] secs = new double[repetitions];
            long cpu0 = 0;
            for (int i = 0; i < warmup + repetitions; i++) {
                if (i == warmup) {
                    System.gc();
                    cpu0 = MemoryStats.processCpuNanos();
                }
                long t0 = System.nanoTime();
                NDArray logits = model.forward(tok);
                logits.getFloat(0, length - 1, 0);          // waits for the device
                logits.close();
                if (i >= warmup) {
                    secs[i - warmup] = (System.nanoTime() - t0) / 1e9;
                }
            }
            double cpu = (MemoryStats.processCpuNanos() - cpu0) / 1e9 / repetitions;
            return new Result(label, model.parameterCount(), batch, length, repetitions, secs, cpu,
                    MemoryStats.heapUsed(), MemoryStats.procStatus("VmRSS"), MemoryStats.procStatus("VmHWM"),
                    peak.peakBytes(), peak.beforeBytes());
        }
    }
}
