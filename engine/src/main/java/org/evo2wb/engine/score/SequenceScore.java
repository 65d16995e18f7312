package org.evo2wb.engine.score;

/**
 * Scores of one sequence. Per-base arrays have one entry per base (0-based); a base that is not scored (the first
 * base without BOS) holds NaN.
 *
 * @param id record id
 * @param sequence the bases scored
 * @param logProbs {@code log P(x[j] | x[<j])} in nats, per base
 * @param entropies entropy (nats) of the predicted distribution over all 512 tokens at the step that predicts base j
 * @param scored number of scored bases (n, or n − 1 without BOS)
 * @param forwardSum sum of the scored log-probs
 * @param reverseSum sum over the reverse complement, NaN when not computed
 */
public record SequenceScore(String id, String sequence, float[] logProbs, float[] entropies, int scored,
                            double forwardSum, double reverseSum) {

    public int length() {
        return sequence.length();
    }

    public double forwardMean() {
        return scored == 0 ? Double.NaN : forwardSum / scored;
    }

    public boolean hasReverse() {
        return !Double.isNaN(reverseSum);
    }

    /** Sequence log-likelihood: the forward sum, or the mean of both strands' sums with reverse-complement averaging. */
    public double sum() {
        return hasReverse() ? (forwardSum + reverseSum) / 2 : forwardSum;
    }

    /** Mean per-base log-likelihood (both strands averaged when computed); NaN when nothing was scored. */
    public double mean() {
        return scored == 0 ? Double.NaN : sum() / scored;
    }
}
