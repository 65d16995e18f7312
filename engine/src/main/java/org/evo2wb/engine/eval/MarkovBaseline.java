package org.evo2wb.engine.eval;

import java.util.List;

/**
 * Order-k Markov model of DNA, the baseline a trained Evo 2 model must beat on held-out bits per base.
 *
 * <p>P(x[t] = b | x[t-k..t-1] = c) = (n(c,b) + α) / (n(c) + 4α) over the alphabet {A,C,G,T} (case-insensitive),
 * fitted by counting on the training sequences. Only positions whose target and whole k-context are ACGT are counted
 * and scored; this matches the training loss mask, which ignores targets that are not ACGT. The first k bases of each
 * sequence have no full context and are not scored.
 */
public final class MarkovBaseline {

    /** Largest supported order: 4^(k+1) int counters must fit comfortably in memory (k = 12: 256 MiB). */
    public static final int MAX_ORDER = 12;

    private final int k;
    private final double alpha;
    private final int[] counts; // index = context * 4 + base

    private MarkovBaseline(int k, double alpha) {
        if (k < 0 || k > MAX_ORDER) {
            throw new IllegalArgumentException("Markov order must be between 0 and " + MAX_ORDER + ", got " + k);
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("pseudo-count alpha must be > 0, got " + alpha);
        }
        this.k = k;
        this.alpha = alpha;
        this.counts = new int[1 << (2 * (k + 1))];
    }

    /** Fits an order-k model with pseudo-count {@code alpha} on the given sequences. */
    public static MarkovBaseline fit(List<? extends CharSequence> training, int k, double alpha) {
        MarkovBaseline m = new MarkovBaseline(k, alpha);
        for (CharSequence s : training) {
            m.visit(s, (ctx, base) -> m.counts[ctx * 4 + base]++);
        }
        return m;
    }

    public int order() {
        return k;
    }

    /** The pseudo-count α. */
    public double alpha() {
        return alpha;
    }

    /** Mean negative log2-likelihood per scored base, and the number of bases scored. */
    public Score bitsPerBase(List<? extends CharSequence> sequences) {
        double[] sum = {0};
        long[] n = {0};
        for (CharSequence s : sequences) {
            visit(s, (ctx, base) -> {
                int row = ctx * 4;
                long total = (long) counts[row] + counts[row + 1] + counts[row + 2] + counts[row + 3];
                double p = (counts[row + base] + alpha) / (total + 4 * alpha);
                sum[0] -= Math.log(p);
                n[0]++;
            });
        }
        return new Score(n[0] == 0 ? Double.NaN : sum[0] / n[0] / Math.log(2), n[0]);
    }

    /**
     * log₂ P(x[t] | x[t-k..t-1]) for every position t of {@code s}; NaN where the position is not scored (the target
     * or one of its k context bases is not ACGT, or t &lt; k). {@link #bitsPerBase} is minus the mean of the finite
     * values.
     */
    public double[] log2Probs(CharSequence s) {
        double[] out = new double[s.length()];
        java.util.Arrays.fill(out, Double.NaN);
        visitPositions(s, (pos, ctx, base) -> {
            int row = ctx * 4;
            long total = (long) counts[row] + counts[row + 1] + counts[row + 2] + counts[row + 3];
            out[pos] = Math.log((counts[row + base] + alpha) / (total + 4 * alpha)) / Math.log(2);
        });
        return out;
    }

    /**
     * Fits every order from {@code minK} to {@code maxK} on {@code training} and keeps the one with the lowest bits
     * per base on {@code validation}.
     */
    public static Selection selectOrder(
            List<? extends CharSequence> training, List<? extends CharSequence> validation, int minK, int maxK, double alpha) {
        Selection best = null;
        double[] perOrder = new double[maxK - minK + 1];
        for (int k = minK; k <= maxK; k++) {
            MarkovBaseline m = fit(training, k, alpha);
            Score s = m.bitsPerBase(validation);
            perOrder[k - minK] = s.bitsPerBase();
            if (best == null || s.bitsPerBase() < best.score().bitsPerBase()) {
                best = new Selection(m, s, minK, perOrder);
            }
        }
        return best;
    }

    /** Held-out score: mean bits per base over {@code bases} scored positions. */
    public record Score(double bitsPerBase, long bases) {}

    /** The chosen model, its validation score, and the validation bits per base of every order tried. */
    public record Selection(MarkovBaseline model, Score score, int minOrder, double[] bitsPerOrder) {}

    private interface Visitor {
        void accept(int context, int base);
    }

    private interface PositionVisitor {
        void accept(int position, int context, int base);
    }

    private void visit(CharSequence s, Visitor v) {
        visitPositions(s, (pos, ctx, base) -> v.accept(ctx, base));
    }

    private void visitPositions(CharSequence s, PositionVisitor v) {
        int mask = (1 << (2 * k)) - 1;
        int ctx = 0;
        int valid = 0; // number of consecutive ACGT bases ending at the previous position
        for (int i = 0; i < s.length(); i++) {
            int b = code(s.charAt(i));
            if (b < 0) {
                valid = 0;
                ctx = 0;
                continue;
            }
            if (valid >= k) {
                v.accept(i, ctx, b);
            }
            ctx = k == 0 ? 0 : ((ctx << 2) | b) & mask;
            valid++;
        }
    }

    private static int code(char c) {
        return switch (c) {
            case 'A', 'a' -> 0;
            case 'C', 'c' -> 1;
            case 'G', 'g' -> 2;
            case 'T', 't' -> 3;
            default -> -1;
        };
    }
}
