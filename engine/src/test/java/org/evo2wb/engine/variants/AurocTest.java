package org.evo2wb.engine.variants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AurocTest {

    @Test
    void handWorkedCases() {
        assertEquals(1.0, Auroc.of(new double[] {0.1, 0.2, 0.8, 0.9}, new boolean[] {false, false, true, true}));
        assertEquals(0.0, Auroc.of(new double[] {0.1, 0.2, 0.8, 0.9}, new boolean[] {true, true, false, false}));
        // scikit-learn: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
        assertEquals(0.75, Auroc.of(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}),
                1e-15);
        // all tied: one half
        assertEquals(0.5, Auroc.of(new double[] {3, 3, 3, 3, 3}, new boolean[] {true, false, false, true, false}));
        // a tie between one positive and one negative counts one half: pairs (p=2 vs n=1) 1, (p=2 vs n=2) 0.5 -> 0.75
        assertEquals(0.75, Auroc.of(new double[] {1, 2, 2}, new boolean[] {false, false, true}), 1e-15);
        assertTrue(Double.isNaN(Auroc.of(new double[] {1, 2}, new boolean[] {true, true})));
    }

    @Test
    void equalsThePairwiseDefinitionOnRandomDataWithTies() {
        Random r = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 2 + r.nextInt(200);
            double[] s = new double[n];
            boolean[] y = new boolean[n];
            for (int i = 0; i < n; i++) {
                s[i] = r.nextInt(15);          // many ties
                y[i] = r.nextDouble() < 0.3;
            }
            double wins = 0;
            long pairs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (y[i] && !y[j]) {
                        pairs++;
                        wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    }
                }
            }
            double expected = pairs == 0 ? Double.NaN : wins / pairs;
            assertEquals(expected, Auroc.of(s, y), 1e-12, "trial " + trial);
        }
    }
}
