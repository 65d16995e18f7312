package org.evo2wb.bio.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WindowPlannerTest {

    @Test
    void windowStartsCoverTheRecordEnd() {
        assertArrayEquals(new int[] {0}, WindowPlanner.starts(3, 4, 4));
        assertArrayEquals(new int[] {0}, WindowPlanner.starts(4, 4, 4));
        assertArrayEquals(new int[] {0, 4}, WindowPlanner.starts(8, 4, 4));
        assertArrayEquals(new int[] {0, 4, 6}, WindowPlanner.starts(10, 4, 4));
        assertArrayEquals(new int[] {0, 2, 4, 6}, WindowPlanner.starts(10, 4, 2));
        assertArrayEquals(new int[] {0, 3, 6}, WindowPlanner.starts(10, 4, 3));
        assertArrayEquals(new int[] {0, 3, 6, 7}, WindowPlanner.starts(11, 4, 3));
        assertArrayEquals(new int[] {0, 6}, WindowPlanner.starts(10, 4, 10)); // stride past the window: tail added
    }

    @Test
    void nFilterByFractionAndByRun() {
        String b = "ACGTNNNACGTNacgtnACGT"; // 5 N (one lowercase) of 21
        DatasetOptions fraction = DatasetOptions.of(64).withNFilter(0.2, -1);
        assertTrue(WindowPlanner.tooManyN(b, 0, b.length(), fraction.withNFilter(0.2, -1)));   // 5/21 > 0.2
        assertFalse(WindowPlanner.tooManyN(b, 0, b.length(), fraction.withNFilter(0.25, -1))); // 5/21 <= 0.25
        assertTrue(WindowPlanner.tooManyN(b, 0, b.length(), fraction.withNFilter(1, 2)));      // run of 3 > 2
        assertFalse(WindowPlanner.tooManyN(b, 0, b.length(), fraction.withNFilter(1, 3)));
        assertFalse(WindowPlanner.tooManyN(b, 7, 11, fraction.withNFilter(0, 0)));           // "ACGT": no N
    }

    @Test
    void randomStrandCoinIsFairAndReproducible() {
        int heads = 0;
        for (int i = 0; i < 20_000; i++) {
            boolean c = WindowPlanner.coin(42, i % 7, i * 8191);
            assertEquals(c, WindowPlanner.coin(42, i % 7, i * 8191));
            heads += c ? 1 : 0;
        }
        assertTrue(heads > 9_600 && heads < 10_400, "heads " + heads);
    }
}
