package org.evo2wb.engine.variants;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * AUROC ({@link Auroc}, ties as half) with a percentile bootstrap 95 % interval and the ROC curve.
 *
 * <p>Bootstrap: B resamples of the labelled items drawn with replacement (fixed seed, so a run is repeatable), the
 * AUROC of each (resamples with one class empty are drawn again); the interval is the 2.5th and 97.5th percentile
 * of the B values. ROC curve: one point per distinct score, from the highest threshold down, (FPR, TPR) =
 * (false positives / negatives, true positives / positives), starting at (0, 0) and ending at (1, 1).
 */
public final class RocAnalysis {

    /** Resamples drawn for the interval. */
    public static final int BOOTSTRAP = 1000;

    /**
     * @param auroc the AUROC of all items
     * @param low 2.5th percentile of the bootstrap AUROCs
     * @param high 97.5th percentile
     * @param curve ROC points {fpr, tpr}, from (0, 0) to (1, 1)
     */
    public record Result(double auroc, double low, double high, int positives, int negatives, List<double[]> curve) {

        public String format() {
            return String.format(Locale.ROOT, "AUROC %.4f (95%% bootstrap interval %.4f-%.4f; %d positive, %d "
                    + "negative)", auroc, low, high, positives, negatives);
        }
    }

    private RocAnalysis() {
    }

    /**
     * @param scores higher = more likely positive
     * @param positive the class of each item
     * @param resamples bootstrap resamples (0 for none: the interval is then NaN)
     * @param seed the resampling seed
     * @throws IllegalArgumentException when a class is empty
     */
    public static Result of(double[] scores, boolean[] positive, int resamples, long seed) {
        int pos = 0;
        for (boolean b : positive) {
            pos += b ? 1 : 0;
        }
        int neg = positive.length - pos;
        if (pos == 0 || neg == 0) {
            throw new IllegalArgumentException("an AUROC needs both classes; the labels hold " + pos + " positive and "
                    + neg + " negative");
        }
        double auroc = Auroc.of(scores, positive);
        double low = Double.NaN;
        double high = Double.NaN;
        if (resamples > 0) {
            double[] values = new double[resamples];
            SplittableRandom r = new SplittableRandom(seed);
            int n = scores.length;
            double[] s = new double[n];
            boolean[] y = new boolean[n];
            for (int b = 0; b < resamples; b++) {
                double v;
                do {
                    for (int i = 0; i < n; i++) {
                        int k = r.nextInt(n);
                        s[i] = scores[k];
                        y[i] = positive[k];
                    }
                    v = Auroc.of(s, y);
                } while (Double.isNaN(v));
                values[b] = v;
            }
            Arrays.sort(values);
            low = percentile(values, 0.025);
            high = percentile(values, 0.975);
        }
        return new Result(auroc, low, high, pos, neg, curve(scores, positive, pos, neg));
    }

    /** Linear interpolation between order statistics (as numpy's default percentile). */
    static double percentile(double[] sorted, double q) {
        double at = q * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }

    private static List<double[]> curve(double[] scores, boolean[] positive, int pos, int neg) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        List<double[]> out = new ArrayList<>();
        out.add(new double[] {0, 0});
        int tp = 0;
        int fp = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j < order.length && scores[order[j]] == scores[order[i]]) {
                if (positive[order[j]]) {
                    tp++;
                } else {
                    fp++;
                }
                j++;
            }
            out.add(new double[] {fp / (double) neg, tp / (double) pos});
            i = j;
        }
        return out;
    }
}
