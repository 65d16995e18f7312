package org.evo2wb.engine.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WindowsTest {

    @Test
    void everyTargetIsTakenOnceFromTheWindowWithTheMostLeftContext() {
        for (int n : new int[] {1, 2, 10, 99, 100, 101, 257, 1000}) {
            for (int[] co : new int[][] {{100, 1}, {100, 20}, {100, 99}, {7, 3}, {2, 1}}) {
                int c = co[0];
                int o = co[1];
                List<Windows> plan = Windows.plan(n, c, o);
                int[] seen = new int[n];
                for (Windows w : plan) {
                    assertTrue(w.start() >= 0 && w.end() <= n && w.length() <= c);
                    for (int t = w.firstTarget(); t <= w.lastTarget(); t++) {
                        assertTrue(t - 1 >= w.start() && t < w.end(), "target inside its window");
                        seen[t]++;
                        // no earlier window holds t with t-1: this is the one with the most left context
                        for (Windows v : plan) {
                            if (v.start() < w.start()) {
                                assertTrue(!(t - 1 >= v.start() && t < v.end()));
                            }
                        }
                        if (w.start() > 0) {
                            assertTrue(t - w.start() >= Math.min(o, t), "at least O tokens of context");
                        }
                    }
                }
                for (int t = 1; t < n; t++) {
                    assertEquals(1, seen[t], "target " + t + " of " + n + " with C=" + c + " O=" + o);
                }
            }
        }
    }

    @Test
    void shortSequencesUseOneWindowAndBadSettingsAreRejected() {
        assertEquals(List.of(new Windows(0, 50, 1, 49)), Windows.plan(50, 50, 10));
        assertEquals(3, Windows.plan(30, 12, 2).size());
        assertThrows(IllegalArgumentException.class, () -> Windows.plan(30, 12, 0));
        assertThrows(IllegalArgumentException.class, () -> Windows.plan(30, 12, 12));
    }
}
