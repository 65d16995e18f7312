package org.evo2wb.engine.generate;

import java.util.Locale;

/**
 * How each next base is drawn from the model's prediction, with the official Evo 2 sampler's meaning (its defaults:
 * temperature 1, top-k 4, top-p 1):
 *
 * @param temperature divides the logits before sampling; 0 picks the most likely base (greedy)
 * @param topK keep only the k most likely bases (1…4; 0 or 4 keep all four)
 * @param topP keep the most likely bases whose probabilities reach this total (nucleus, in (0, 1]; 1 keeps all)
 * @param seed seeds the random draws: the same seed, settings, prompt and model give the same samples
 */
public record SamplingSettings(double temperature, int topK, double topP, long seed) {

    public static final double DEFAULT_TEMPERATURE = 1.0;
    public static final int DEFAULT_TOP_K = 4;
    public static final double DEFAULT_TOP_P = 1.0;
    public static final long DEFAULT_SEED = 1;

    /** The official sampler's defaults with seed {@link #DEFAULT_SEED}. */
    public static final SamplingSettings DEFAULTS = new SamplingSettings(DEFAULT_TEMPERATURE, DEFAULT_TOP_K,
            DEFAULT_TOP_P, DEFAULT_SEED);

    public SamplingSettings {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a number of at least 0, got " + temperature);
        }
        if (topK < 0 || topK > 4) {
            throw new IllegalArgumentException("top-k must be between 0 and 4 (A, C, G, T), got " + topK);
        }
        if (!(topP > 0) || topP > 1) {
            throw new IllegalArgumentException("top-p must be above 0 and at most 1, got " + topP);
        }
    }

    /** Whether every base is the most likely one (temperature 0 or top-k 1). */
    public boolean greedy() {
        return temperature == 0 || topK == 1;
    }

    /** The settings as {@code temperature=1 top_k=4 top_p=1 seed=1}, for FASTA headers and reports. */
    public String describe() {
        return String.format(Locale.ROOT, "temperature=%s top_k=%d top_p=%s seed=%d", number(temperature), topK,
                number(topP), seed);
    }

    static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
