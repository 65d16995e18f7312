package org.evo2wb.engine.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.evo2wb.engine.model.StripedHyena;

/**
 * Generates DNA with an Evo 2 model: the prompt runs once, then every sample grows base by base with state carried
 * forward ({@link IncrementalDecoder}); all samples advance side by side, one model step per base. Each sample draws
 * from its own random stream, split in order from the seed, so a run is reproducible. The one entry point of the
 * {@code generate} command and the Generate view.
 */
public final class Generator {

    /** Told after every step: the bases of each sample so far (one builder per sample, read-only). */
    @FunctionalInterface
    public interface Progress {
        void grew(int generated, List<? extends CharSequence> samples);
    }

    private Generator() {
    }

    /**
     * Runs a generation on the calling thread.
     *
     * @param stop polled between steps; when it answers true the samples end where they are
     */
    public static Generation run(StripedHyena model, GenerationRequest request, Progress progress,
                                 BooleanSupplier stop) {
        long t0 = System.nanoTime();
        int n = request.samples();
        int[] prompt = request.promptIds();
        SamplingSettings sampling = request.sampling();
        SplittableRandom root = new SplittableRandom(sampling.seed());
        SplittableRandom[] rngs = new SplittableRandom[n];
        for (int i = 0; i < n; i++) {
            rngs[i] = root.split();
        }
        List<StringBuilder> bases = new ArrayList<>();
        double[] logLikelihood = new double[n];
        for (int i = 0; i < n; i++) {
            bases.add(new StringBuilder(request.length()));
        }
        double promptMean;
        boolean stopped = false;
        try (IncrementalDecoder decoder = IncrementalDecoder.prefill(model, prompt, n,
                (long) prompt.length + request.length())) {
            promptMean = prompt.length > 1 ? decoder.promptLogLikelihood() / (prompt.length - 1) : Double.NaN;
            float[][] logits = decoder.promptLogits();
            int[] next = new int[n];
            for (int step = 0; step < request.length(); step++) {
                if (stop.getAsBoolean()) {
                    stopped = true;
                    break;
                }
                for (int i = 0; i < n; i++) {
                    next[i] = Sampler.pick(logits[i], sampling, rngs[i]);
                    logLikelihood[i] += Sampler.logProbability(logits[i], next[i]);
                    bases.get(i).append((char) next[i]);
                }
                progress.grew(step + 1, bases);
                if (step + 1 < request.length()) {
                    logits = decoder.step(next);
                }
            }
        }
        List<GeneratedSample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String s = bases.get(i).toString();
            samples.add(new GeneratedSample(i, s, s.isEmpty() ? Double.NaN : logLikelihood[i] / s.length(),
                    SequenceQc.of(s)));
        }
        return new Generation(request, promptMean, SequenceQc.of(request.prompt()), List.copyOf(samples), stopped,
                (System.nanoTime() - t0) / 1e9);
    }
}
