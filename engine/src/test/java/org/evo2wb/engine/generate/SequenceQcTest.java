package org.evo2wb.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** QC figures of hand-built sequences. */
class SequenceQcTest {

    @Test
    void gcHomopolymersAndOrfsByHand() {
        // +1: ATG AAA TAA (9 bases) then CCCCCCC (run of 7) then GG
        SequenceQc q = SequenceQc.of("ATGAAATAACCCCCCCGG");
        assertEquals(18, q.length());
        assertEquals(100.0 * 10 / 18, q.gcPercent(), 1e-9);
        assertEquals(9, q.longestOrf()[0]);
        assertEquals(0, q.longestOrf()[1]);
        assertEquals(7, q.longestHomopolymer());
        assertEquals(1, q.homopolymerRuns());
        assertEquals(0.0, q.repeatedKmerFraction());     // 7 distinct 12-mers
    }

    @Test
    void reverseFramesAreRead() {
        // reverse complement of ATGCCCTGA is TCAGGGCAT: the ORF lies on the minus strand, frame -1
        SequenceQc q = SequenceQc.of("TCAGGGCAT");
        assertArrayEquals(new int[] {0, 0, 0, 9, 0, 0}, q.longestOrf());
    }

    @Test
    void aTandemRepeatIsAlmostAllRepeatedKmers() {
        String r = "ACGTTGCA".repeat(50);                         // 400 bases, period 8
        SequenceQc q = SequenceQc.of(r);
        // 389 12-mers; only the first 8 (one per phase) are new
        assertEquals((389.0 - 8) / 389, q.repeatedKmerFraction(), 1e-12);
        assertEquals(50.0, q.gcPercent(), 1e-12);
        assertEquals(2, q.longestHomopolymer());
    }

    @Test
    void lowercaseCountsAsBases() {
        SequenceQc q = SequenceQc.of("acgtNN");
        assertEquals(50.0, q.gcPercent(), 1e-12);
        assertEquals(Double.NaN, q.repeatedKmerFraction());
    }
}
