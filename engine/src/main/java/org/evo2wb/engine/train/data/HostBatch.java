package org.evo2wb.engine.train.data;

import java.util.List;

/**
 * One batch on the Java heap, ready to become NDArrays: inputs (B, L), next-token targets (B, L−1) and their loss
 * weights (B, L−1). Rows shorter than L are padded with {@link LossWeights#PAD} and weigh 0.
 *
 * @param rows      B
 * @param length    L
 * @param inputs    B·L token ids, row-major
 * @param targets   B·(L−1) token ids: targets[b, t] = inputs[b, t + 1]
 * @param weights   B·(L−1) loss weights
 * @param weightSum Σ weights, the loss denominator
 * @param tokens    number of real (unpadded) input tokens
 */
public record HostBatch(int rows, int length, int[] inputs, int[] targets, float[] weights, double weightSum,
                        long tokens) {

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) as a batch of their own. */
    public HostBatch slice(int from, int to) {
        if (from < 0 || to > rows || from >= to) {
            throw new IllegalArgumentException("rows " + from + " to " + to + " of a batch of " + rows);
        }
        int t = length - 1;
        float[] w = java.util.Arrays.copyOfRange(weights, from * t, to * t);
        int[] in = java.util.Arrays.copyOfRange(inputs, from * length, to * length);
        double sum = 0;
        for (float x : w) {
            sum += x;
        }
        long real = 0;
        for (int x : in) {
            real += x != LossWeights.PAD ? 1 : 0;
        }
        return new HostBatch(to - from, length, in, java.util.Arrays.copyOfRange(targets, from * t, to * t), w, sum,
                real);
    }

    /** Builds the batch of the given windows at window length {@code length}. */
    public static HostBatch of(List<TokenWindow> windows, int length, LossWeights rule) {
        int rows = windows.size();
        int[] inputs = new int[rows * length];
        int[] targets = new int[rows * (length - 1)];
        float[] weights = new float[rows * (length - 1)];
        double sum = 0;
        long tokens = 0;
        for (int b = 0; b < rows; b++) {
            byte[] w = windows.get(b).tokens();
            int n = Math.min(w.length, length);
            tokens += n;
            for (int t = 0; t < length; t++) {
                inputs[b * length + t] = t < n ? rule.token(w[t] & 0xff) : LossWeights.PAD;
            }
            for (int t = 0; t < length - 1; t++) {
                int k = b * (length - 1) + t;
                if (t + 1 < n) {
                    int c = w[t + 1] & 0xff;
                    targets[k] = rule.token(c);
                    weights[k] = rule.weight(c);
                    sum += weights[k];
                } else {
                    targets[k] = LossWeights.PAD;
                }
            }
        }
        return new HostBatch(rows, length, inputs, targets, weights, sum, tokens);
    }
}
