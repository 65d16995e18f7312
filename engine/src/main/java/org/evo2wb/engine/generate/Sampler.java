package org.evo2wb.engine.generate;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Draws the next base from a row of logits. Only A, C, G and T can be drawn (every other token of the 512 is
 * masked). Then, in the official Evo 2 sampler's order: greedy (the most likely base) at temperature 0 or top-k 1;
 * otherwise keep the top-k bases, divide their logits by the temperature, drop the least likely ones whose
 * probabilities sum to at most 1 − top-p (the nucleus keeps the rest), and draw from the softmax of what is left.
 */
public final class Sampler {

    /** The token ids that can be drawn: A, C, G, T. */
    static final int[] BASES = {'A', 'C', 'G', 'T'};

    private Sampler() {
    }

    /** The base (an id among {@link #BASES}) drawn from {@code logits} (V ≥ 'T' + 1 values). */
    public static int pick(float[] logits, SamplingSettings s, RandomGenerator rng) {
        Integer[] order = {0, 1, 2, 3};
        Arrays.sort(order, (a, b) -> Float.compare(logits[BASES[b]], logits[BASES[a]]));   // most likely first
        if (s.greedy()) {
            return BASES[order[0]];
        }
        int k = s.topK() == 0 ? 4 : s.topK();
        double[] scaled = new double[k];
        for (int i = 0; i < k; i++) {
            scaled[i] = logits[BASES[order[i]]] / s.temperature();
        }
        double[] p = softmax(scaled, k);
        int kept = k;
        if (s.topP() < 1) {
            // ascending cumulative probability; tokens whose cumulative sum stays ≤ 1 − top-p are removed
            double cumulative = 0;
            for (int i = k - 1; i >= 0; i--) {
                cumulative += p[i];
                if (cumulative <= 1 - s.topP()) {
                    kept = i;
                } else {
                    break;
                }
            }
            p = softmax(scaled, kept);
        }
        double u = rng.nextDouble();
        double sum = 0;
        for (int i = 0; i < kept; i++) {
            sum += p[i];
            if (u < sum) {
                return BASES[order[i]];
            }
        }
        return BASES[order[kept - 1]];
    }

    /** Softmax of the first n values (sorted descending). */
    private static double[] softmax(double[] x, int n) {
        double[] p = new double[n];
        double z = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(x[i] - x[0]);
            z += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= z;
        }
        return p;
    }

    /** log P(token) under the model's full prediction (softmax over all V logits, nothing masked). */
    public static double logProbability(float[] logits, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (float f : logits) {
            max = Math.max(max, f);
        }
        double z = 0;
        for (float f : logits) {
            z += Math.exp(f - max);
        }
        return logits[token] - max - Math.log(z);
    }
}
