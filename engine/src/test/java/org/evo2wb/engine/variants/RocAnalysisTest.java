package org.evo2wb.engine.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** AUROC, ROC points and bootstrap interval against hand computations. */
class RocAnalysisTest {

    @Test
    void scikitLearnsTextbookExample() {
        // roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75: of 4 (pos, neg) pairs, 3 ordered right
        RocAnalysis.Result r = RocAnalysis.of(new double[] {0.1, 0.4, 0.35, 0.8},
                new boolean[] {false, false, true, true}, 200, 1);
        assertEquals(0.75, r.auroc(), 1e-12);
        List<double[]> c = r.curve();
        double[][] expected = {{0, 0}, {0, 0.5}, {0.5, 0.5}, {0.5, 1}, {1, 1}};
        assertEquals(expected.length, c.size());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], c.get(i), 1e-12);
        }
        assertTrue(r.low() <= 0.75 && r.high() >= 0.75 && r.low() >= 0 && r.high() <= 1);
    }

    @Test
    void tiesCountHalfAndTheIntervalNarrowsWithMoreData() {
        RocAnalysis.Result tie = RocAnalysis.of(new double[] {1, 1}, new boolean[] {true, false}, 0, 1);
        assertEquals(0.5, tie.auroc(), 1e-12);
        // 100 positives and 100 negatives whose scores overlap; the interval's width agrees with the Hanley-McNeil
        // standard error of an AUROC: SE² = (A(1−A) + (n₊−1)(Q₁−A²) + (n₋−1)(Q₂−A²)) / (n₊n₋),
        // Q₁ = A/(2−A), Q₂ = 2A²/(1+A)
        int n = 200;
        double[] s = new double[n];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2 == 0;
            s[i] = y[i] ? i : i - 40;
        }
        RocAnalysis.Result big = RocAnalysis.of(s, y, 500, 7);
        double a = big.auroc();
        double q1 = a / (2 - a);
        double q2 = 2 * a * a / (1 + a);
        double se = Math.sqrt((a * (1 - a) + 99 * (q1 - a * a) + 99 * (q2 - a * a)) / (100.0 * 100));
        assertEquals(2 * 1.96 * se, big.high() - big.low(), 0.2 * 2 * 1.96 * se, big.format());
        assertTrue(big.low() < big.auroc() && big.auroc() < big.high());
        assertEquals(big.auroc(), RocAnalysis.of(s, y, 500, 7).auroc());
        assertEquals(big.low(), RocAnalysis.of(s, y, 500, 7).low(), "a fixed seed repeats the interval");
        assertThrows(IllegalArgumentException.class, () -> RocAnalysis.of(new double[] {1}, new boolean[] {true}, 0,
                1));
    }

    @Test
    void percentileInterpolatesAsNumpy() {
        double[] v = {1, 2, 3, 4, 5};
        assertEquals(1.1, RocAnalysis.percentile(v, 0.025), 1e-12);
        assertEquals(4.9, RocAnalysis.percentile(v, 0.975), 1e-12);
    }
}
