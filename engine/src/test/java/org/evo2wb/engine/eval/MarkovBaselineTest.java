package org.evo2wb.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MarkovBaselineTest {

    @Test
    void orderZeroIsTheSmoothedBaseComposition() {
        // counts A=3, C=1, G=0, T=0; alpha = 1 -> P = (4, 2, 1, 1) / 8
        MarkovBaseline m = MarkovBaseline.fit(List.of("AAAC"), 0, 1.0);
        MarkovBaseline.Score s = m.bitsPerBase(List.of("ACGT"));
        double expected = -(log2(4 / 8.0) + log2(2 / 8.0) + log2(1 / 8.0) + log2(1 / 8.0)) / 4;
        assertEquals(expected, s.bitsPerBase(), 1e-12);
        assertEquals(4, s.bases());
    }

    @Test
    void contextsBrokenByAmbiguityCodesAreNotScored() {
        MarkovBaseline m = MarkovBaseline.fit(List.of("ACGTACGT"), 2, 0.5);
        // "ACNGTA": after N the context restarts; scored targets need 2 clean bases before: only 'A' at the end.
        assertEquals(1, m.bitsPerBase(List.of("ACNGTA")).bases());
        assertEquals(m.bitsPerBase(List.of("acgtac")).bitsPerBase(), m.bitsPerBase(List.of("ACGTAC")).bitsPerBase(), 0);
    }

    @Test
    void aPeriodicSequenceIsLearnedByTheRightOrderAndSelected() {
        String period = "ACGGTCAT"; // period 8 with 8 distinct 2-mers: order 2 determines the next base
        String train = period.repeat(500);
        String val = period.repeat(50);
        MarkovBaseline.Selection sel = MarkovBaseline.selectOrder(List.of(train), List.of(val), 0, 5, 0.01);
        assertTrue(sel.model().order() >= 2, "order " + sel.model().order());
        assertTrue(sel.score().bitsPerBase() < 0.01, "bits " + sel.score().bitsPerBase());
        assertTrue(sel.bitsPerOrder()[0] > 1.5, "order 0 cannot predict: " + sel.bitsPerOrder()[0]);
    }

    @Test
    void randomDnaCostsTwoBitsPerBase() {
        Random r = new Random(7);
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            a.append("ACGT".charAt(r.nextInt(4)));
            b.append("ACGT".charAt(r.nextInt(4)));
        }
        double bits = MarkovBaseline.fit(List.of(a), 2, 1).bitsPerBase(List.of(b)).bitsPerBase();
        assertEquals(2.0, bits, 0.01);
    }

    @Test
    void rejectsBadOrder() {
        assertThrows(IllegalArgumentException.class, () -> MarkovBaseline.fit(List.of("A"), 13, 1));
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
