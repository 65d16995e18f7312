package org.evo2wb.engine.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Dynamic loss scaling: halve and skip on overflow, double after 2000 good steps, off outside fp16. */
class LossScalerTest {

    @Test
    void halvesAndSkipsOnOverflowAndDoublesAfter2000GoodSteps() {
        LossScaler s = LossScaler.forPrecision("fp16");
        assertTrue(s.enabled());
        assertEquals(65536, s.scale());
        assertFalse(s.update(false), "an overflow skips the update");
        assertEquals(32768, s.scale());
        for (int i = 1; i < 2000; i++) {
            assertTrue(s.update(true));
        }
        assertEquals(32768, s.scale(), "1999 good steps: not yet");
        assertTrue(s.update(true));
        assertEquals(65536, s.scale(), "the 2000th good step doubles");
        assertEquals(0, s.goodSteps());

        for (int i = 0; i < 1500; i++) {
            s.update(true);
        }
        s.update(false);                                      // an overflow restarts the count
        assertEquals(0, s.goodSteps());
        for (int i = 0; i < 1999; i++) {
            s.update(true);
        }
        assertEquals(32768, s.scale());
        assertEquals(2, s.skipped());
    }

    @Test
    void aScaleBelowOneMeansTheGradientsOverflowUnscaled() {
        LossScaler s = LossScaler.forPrecision("fp16");
        for (int i = 0; i < 16; i++) {
            s.update(false);
        }
        assertEquals(1, s.scale());
        assertFalse(s.exhausted());
        s.update(false);
        assertTrue(s.exhausted());
        assertEquals(17, s.skipped());
    }

    @Test
    void offOutsideFp16AndRestoredOnResume() {
        LossScaler off = LossScaler.forPrecision("fp32");
        assertFalse(off.enabled());
        assertEquals(1, off.scale());
        assertFalse(off.update(false), "without scaling a non-finite gradient is not applied either");
        assertEquals(1, off.scale());
        assertFalse(off.exhausted());

        LossScaler s = LossScaler.forPrecision("fp16");
        s.update(false);
        s.update(true);
        LossScaler resumed = LossScaler.forPrecision("fp16");
        resumed.restore(s.toJson());
        assertEquals(32768, resumed.scale());
        assertEquals(1, resumed.goodSteps());
        resumed.restore(null);                                // a checkpoint written before scaling existed
        assertEquals(32768, resumed.scale());
    }
}
