package org.evo2wb.app.ui.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmoothingTest {

    @Test
    void centredMeansLeaveOutNaNAndCutAtTheEnds() {
        float[] v = {Float.NaN, 1, 2, 3, 10};
        // window 3: [0..1] → 1; [0..2] → 1.5; [1..3] → 2; [2..4] → 5; [3..4] → 6.5
        assertArrayEquals(new float[] {1, 1.5f, 2, 5, 6.5f}, Smoothing.movingMean(v, 3), 1e-6f);
        // window 2 reaches 0 left, 1 right: [0..1] → 1; [1..2] → 1.5; [2..3] → 2.5; [3..4] → 6.5; [4] → 10
        assertArrayEquals(new float[] {1, 1.5f, 2.5f, 6.5f, 10}, Smoothing.movingMean(v, 2), 1e-6f);
        assertArrayEquals(v, Smoothing.movingMean(v, 1));
        assertTrue(Float.isNaN(Smoothing.movingMean(new float[] {Float.NaN, Float.NaN}, 1)[0]));
    }
}
