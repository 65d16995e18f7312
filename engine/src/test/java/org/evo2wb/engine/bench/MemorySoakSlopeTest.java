package org.evo2wb.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slopes {@code bench memory-soak} reports, against hand computations. */
class MemorySoakSlopeTest {

    @Test
    void slopesAreLeastSquaresOverTheSecondHalfOnly() {
        List<MemorySoak.Sample> s = new ArrayList<>();
        // First half: a warm-up climb of 1 MB per step that must not count.
        for (int step = 0; step < 10; step++) {
            s.add(new MemorySoak.Sample(step * 10, 100_000_000L + step * 1_000_000L, 5_000, 40 + step));
        }
        // Second half (steps 100..190): resident +3 bytes per step with noise that cancels, heap flat, tensors flat.
        long[] noise = {4, -4, 4, -4, 0, 0, -4, 4, -4, 4};
        for (int i = 0; i < 10; i++) {
            long step = 100 + i * 10L;
            s.add(new MemorySoak.Sample(step, 200_000_000L + 3 * step + noise[i], 5_000, 50));
        }
        MemorySoak.Result r = new MemorySoak.Result("test", "step", s);
        // By hand: x - mean = -45, -35, ..., 45; the noise's sum of (x - mean) * noise is -180 + 140 - 100 + 60 + 0 + 0
        // - 60 + 100 - 140 + 180 = 0, so the least-squares slope is exactly 3.
        assertEquals(3.0, r.residentSlope(), 1e-9);
        assertEquals(0.0, r.heapSlope(), 1e-12);
        assertEquals(0.0, r.arraySlope(), 1e-12);
        assertTrue(r.format().contains("live tensors 40 -> 50 -> 50"), r.format());
    }
}
