package org.evo2wb.app.ui.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TrackSummaryTest {

    @Test
    void rangeStatisticsEqualAScanOfTheValues() {
        Random rnd = new Random(7);
        float[] v = new float[100_003];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 97 == 0 ? Float.NaN : (float) (rnd.nextGaussian() * 2 - 1);
        }
        TrackSummary s = new TrackSummary(v);
        for (int k = 0; k < 400; k++) {
            int from = rnd.nextInt(v.length);
            int to = from + 1 + rnd.nextInt(k < 200 ? 50 : v.length - from);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            int n = 0;
            for (int i = from; i < Math.min(to, v.length); i++) {
                if (!Float.isNaN(v[i])) {
                    min = Math.min(min, v[i]);
                    max = Math.max(max, v[i]);
                    sum += v[i];
                    n++;
                }
            }
            TrackSummary.Stats st = s.stats(from, to);
            assertEquals(n, st.count());
            assertEquals(min, st.min());
            assertEquals(max, st.max());
            assertEquals(sum / n, st.mean(), 1e-9);
        }
        assertEquals(0, s.stats(0, 1).count(), "a NaN alone");
        assertTrue(Double.isNaN(s.stats(5, 5).mean()));
        assertEquals(v.length - (v.length + 96) / 97, s.stats(-10, v.length + 10).count());
    }
}
