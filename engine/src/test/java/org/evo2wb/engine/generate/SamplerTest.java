package org.evo2wb.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sampler's filters against hand-computed distributions. */
class SamplerTest {

    /** Logits with P(A, C, G, T) = 0.5, 0.3, 0.15, 0.05 among the bases, and a huge logit on N that must never win. */
    static float[] logits() {
        float[] l = new float[512];
        java.util.Arrays.fill(l, -5f);
        l['A'] = (float) Math.log(0.5);
        l['C'] = (float) Math.log(0.3);
        l['G'] = (float) Math.log(0.15);
        l['T'] = (float) Math.log(0.05);
        l['N'] = 50f;
        l[0] = 60f;
        return l;
    }

    static double[] frequencies(SamplingSettings s, int draws) {
        SplittableRandom rng = new SplittableRandom(s.seed());
        double[] f = new double[4];
        for (int i = 0; i < draws; i++) {
            f["ACGT".indexOf(Sampler.pick(logits(), s, rng))] += 1.0 / draws;
        }
        return f;
    }

    static void near(double[] want, double[] got) {
        for (int i = 0; i < 4; i++) {
            assertEquals(want[i], got[i], 0.012, "base " + "ACGT".charAt(i));
        }
    }

    @Test
    void onlyBasesAreDrawnWithTheModelsProbabilities() {
        near(new double[] {0.5, 0.3, 0.15, 0.05}, frequencies(new SamplingSettings(1, 4, 1, 1), 20000));
        near(new double[] {0.5, 0.3, 0.15, 0.05}, frequencies(new SamplingSettings(1, 0, 1, 2), 20000));
    }

    @Test
    void greedyTakesTheMostLikelyBase() {
        near(new double[] {1, 0, 0, 0}, frequencies(new SamplingSettings(0, 4, 1, 1), 1000));
        near(new double[] {1, 0, 0, 0}, frequencies(new SamplingSettings(1, 1, 1, 1), 1000));
    }

    @Test
    void topKRenormalisesTheKMostLikely() {
        near(new double[] {0.5 / 0.8, 0.3 / 0.8, 0, 0}, frequencies(new SamplingSettings(1, 2, 1, 3), 20000));
    }

    @Test
    void topPKeepsTheNucleus() {
        // ascending cumulative 0.05, 0.20, 0.50, 1.00: those ≤ 1 − 0.7 = 0.3 (T, G) are removed
        near(new double[] {0.5 / 0.8, 0.3 / 0.8, 0, 0}, frequencies(new SamplingSettings(1, 4, 0.7, 4), 20000));
        // 1 − 0.96 = 0.04 < 0.05: nothing removed
        near(new double[] {0.5, 0.3, 0.15, 0.05}, frequencies(new SamplingSettings(1, 4, 0.96, 5), 20000));
    }

    @Test
    void temperatureSharpensOrFlattens() {
        // T = 2: p ∝ sqrt(p)
        double[] r = {Math.sqrt(0.5), Math.sqrt(0.3), Math.sqrt(0.15), Math.sqrt(0.05)};
        double z = r[0] + r[1] + r[2] + r[3];
        near(new double[] {r[0] / z, r[1] / z, r[2] / z, r[3] / z}, frequencies(new SamplingSettings(2, 4, 1, 6),
                20000));
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertEquals("top-k must be between 0 and 4 (A, C, G, T), got 5",
                assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(1, 5, 1, 1)).getMessage());
        assertEquals("top-p must be above 0 and at most 1, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(1, 4, 0, 1)).getMessage());
        assertEquals("temperature must be a number of at least 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(-1, 4, 1, 1)).getMessage());
    }
}
