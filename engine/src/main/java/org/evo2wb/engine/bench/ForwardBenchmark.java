package org.evo2wb.engine.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
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
                         long heapBytes, long rssBytes, long peakRssBytes) {

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
                    "%s: %,d parameters, batch %d x length %d: median %.1f ms/forward, %,.0f tokens/s; "
                            + "heap %.1f MiB, RSS %.1f MiB, peak RSS %.1f MiB",
                    label, parameters, batch, length, medianSeconds() * 1e3, tokensPerSecond(), heapBytes / 1048576.0,
                    rssBytes / 1048576.0, peakRssBytes / 1048576.0);
        }
    }

    private ForwardBenchmark() {
    }

    /**
     * Runs {@code warmup} untimed and {@code repetitions} timed forwards of a random batch (B, L) through a random
     * model of {@code arch}, with grad mode off.
     */
    public static Result run(String label, ModelArchitecture arch, int batch, int length, int warmup, int repetitions,
                             Device device, Precision precision) {
        try (GradMode g = GradMode.disabled();
             StripedHyena model = StripedHyena.random(arch, 1234, device, precision);
             NDManager m = NDManager.newBaseManager(device)) {
            Random r = new Random(5);
            long[] ids = new long[batch * length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = "ACGT".charAt(r.nextInt(4));
            }
            NDArray tok = m.create(ids, new Shape(batch, length));
            double[] secs = new double[repetitions];
            for (int i = 0; i < warmup + repetitions; i++) {
                long t0 = System.nanoTime();
                NDArray logits = model.forward(tok);
                logits.getFloat(0, length - 1, 0);          // waits for the device
                logits.close();
                if (i >= warmup) {
                    secs[i - warmup] = (System.nanoTime() - t0) / 1e9;
                }
            }
            return new Result(label, model.parameterCount(), batch, length, repetitions, secs,
                    MemoryStats.heapUsed(), MemoryStats.procStatus("VmRSS"), MemoryStats.procStatus("VmHWM"));
        }
    }
}
