package org.evo2wb.engine.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.evo2wb.engine.variants.Auroc;

/**
 * Stratified k-fold cross-validation of {@link LogisticRegression}: positives and negatives are each shuffled (fixed
 * seed) and dealt round-robin into k folds; each fold is predicted by a probe fitted on the other k − 1. The CV AUROC
 * is the AUROC of all out-of-fold predictions together.
 */
public final class CrossValidation {

    /**
     * @param auroc AUROC of the pooled out-of-fold probabilities
     * @param predictions the out-of-fold probability of each item
     */
    public record Result(double auroc, double[] predictions) {
    }

    private CrossValidation() {
    }

    /** Fold of each item (0 … k − 1). */
    public static int[] folds(boolean[] y, int k, long seed) {
        int pos = 0;
        for (boolean b : y) {
            pos += b ? 1 : 0;
        }
        if (k < 2) {
            throw new IllegalArgumentException("cross-validation needs at least 2 folds, got " + k);
        }
        if (pos < k || y.length - pos < k) {
            throw new IllegalArgumentException(k + "-fold cross-validation needs at least " + k + " items of each "
                    + "class; the labels hold " + pos + " positive and " + (y.length - pos) + " negative");
        }
        int[] fold = new int[y.length];
        SplittableRandom r = new SplittableRandom(seed);
        for (boolean cls : new boolean[] {true, false}) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                if (y[i] == cls) {
                    idx.add(i);
                }
            }
            for (int i = idx.size() - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                Integer t = idx.get(i);
                idx.set(i, idx.get(j));
                idx.set(j, t);
            }
            for (int i = 0; i < idx.size(); i++) {
                fold[idx.get(i)] = i % k;
            }
        }
        return fold;
    }

    public static Result run(double[][] x, boolean[] y, int k, double lambda, long seed) {
        int[] fold = folds(y, k, seed);
        double[] pred = new double[y.length];
        for (int f = 0; f < k; f++) {
            List<double[]> tx = new ArrayList<>();
            List<Boolean> ty = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                if (fold[i] != f) {
                    tx.add(x[i]);
                    ty.add(y[i]);
                }
            }
            boolean[] yy = new boolean[ty.size()];
            for (int i = 0; i < yy.length; i++) {
                yy[i] = ty.get(i);
            }
            LogisticRegression m = LogisticRegression.fit(tx.toArray(new double[0][]), yy, lambda);
            for (int i = 0; i < y.length; i++) {
                if (fold[i] == f) {
                    pred[i] = m.probability(x[i]);
                }
            }
        }
        return new Result(Auroc.of(pred, y), pred);
    }
}
