package org.evo2wb.engine.variants;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Area under the ROC curve by the Mann-Whitney U statistic:
 *
 * <pre>
 *   AUROC = (R₊ − n₊(n₊ + 1)/2) / (n₊ · n₋)
 * </pre>
 *
 * where R₊ is the sum of the ranks (1-based, ascending score) of the n₊ positives among all n₊ + n₋ items and tied
 * scores share their mean rank. It equals P(score of a random positive &gt; score of a random negative) + ½ P(tie),
 * the area under the ROC curve with ties drawn as diagonal segments (as scikit-learn's {@code roc_auc_score}).
 */
public final class Auroc {

    private Auroc() {
    }

    /**
     * @param scores higher means "more likely positive"; NaN is not allowed
     * @param positive the class of each item
     * @return the AUROC, or NaN when either class is empty
     */
    public static double of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(scores.length + " scores but " + positive.length + " labels");
        }
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(scores[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + 1 + j + 1) / 2.0;
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSumPositive += midRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
