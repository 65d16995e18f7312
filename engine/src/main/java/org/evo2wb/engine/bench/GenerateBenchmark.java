package org.evo2wb.engine.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.evo2wb.engine.generate.IncrementalDecoder;
import org.evo2wb.engine.generate.Sampler;
import org.evo2wb.engine.generate.SamplingSettings;
import org.evo2wb.engine.model.StripedHyena;

/**
 * Generation speed: after a prompt of random DNA, the time of each step-by-step base (all samples together),
 * sampled with the default settings. Comparing prompts of 1k and 8k bases shows how the cost of one base depends on
 * the length already decoded (only attention's cache reading grows with it). Backs {@code evo2wb bench generate}.
 */
public final class GenerateBenchmark {

    /**
     * Figures of one prompt length.
     *
     * @param prefillSeconds the prompt's one forward pass with state capture
     * @param stepSeconds each timed step (one base for every sample)
     * @param scripted whether the blocks stepped as TorchScript calls (else DJL operators)
     */
    public record Result(String label, long parameters, int promptLength, int samples, double prefillSeconds,
                         double[] stepSeconds, double cpuSecondsPerStep, boolean scripted) {

        public double medianStepSeconds() {
            double[] s = stepSeconds.clone();
            Arrays.sort(s);
            return s[s.length / 2];
        }

        /** Bases per second over all samples at the median step time. */
        public double basesPerSecond() {
            return samples / medianStepSeconds();
        }

        public String format() {
            return String.format(Locale.ROOT, "%s, %,d parameters: prompt %,d bases (read in %.2f s), %d sample%s, "
                            + "%s step: median %.2f ms per step over %d steps (process CPU %.2f ms per step), "
                            + "%,.1f bases/s", label, parameters, promptLength, prefillSeconds, samples,
                    samples == 1 ? "" : "s", scripted ? "scripted" : "operator", medianStepSeconds() * 1e3,
                    stepSeconds.length, cpuSecondsPerStep * 1e3, basesPerSecond());
        }
    }

    private GenerateBenchmark() {
    }

    /**
     * Times {@code steps} bases after {@code warmup} untimed ones, following a random prompt.
     *
     * @param samples rows decoded side by side
     */
    public static Result run(String label, StripedHyena model, int promptLength, int samples, int warmup, int steps,
                             long seed) {
        if (promptLength < 1 || samples < 1 || warmup < 0 || steps < 1) {
            throw new IllegalArgumentException("prompt, samples and steps must be at least 1, warm-up at least 0");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] prompt = new int[promptLength];
        for (int i = 0; i < promptLength; i++) {
            prompt[i] = "ACGT".charAt(rng.nextInt(4));
        }
        long t0 = System.nanoTime();
        try (IncrementalDecoder d = IncrementalDecoder.prefill(model, prompt, samples,
                (long) promptLength + warmup + steps + 1)) {
            double prefill = (System.nanoTime() - t0) / 1e9;
            float[][] logits = d.promptLogits();
            int[] next = new int[samples];
            double[] times = new double[steps];
            long cpu0 = 0;
            for (int s = -warmup; s < steps; s++) {
                if (s == 0) {
                    cpu0 = MemoryStats.processCpuNanos();
                }
                long a = System.nanoTime();
                for (int i = 0; i < samples; i++) {
                    next[i] = Sampler.pick(logits[i], SamplingSettings.DEFAULTS, rng);
                }
                logits = d.step(next);
                if (s >= 0) {
                    times[s] = (System.nanoTime() - a) / 1e9;
                }
            }
            double cpu = (MemoryStats.processCpuNanos() - cpu0) / 1e9 / steps;
            return new Result(label, model.parameterCount(), promptLength, samples, prefill, times, cpu, d.scripted());
        }
    }
}
