package org.evo2wb.app.ui.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SequenceOverviewTest {

    @Test
    void rulerLabelsAreShortAndRound() {
        assertEquals("0", SequenceOverview.bp(0));
        assertEquals("500", SequenceOverview.bp(500));
        assertEquals("1 kb", SequenceOverview.bp(1000));
        assertEquals("1.5 kb", SequenceOverview.bp(1500));
        assertEquals("2 Mb", SequenceOverview.bp(2_000_000));
        assertEquals("1.25 Mb", SequenceOverview.bp(1_250_000));
    }

    @Test
    void tickStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(1000, SequenceOverview.niceStep(9609, 12));
        assertEquals(50, SequenceOverview.niceStep(513, 12));
        assertEquals(500_000, SequenceOverview.niceStep(4_639_675, 12));
        assertEquals(1, SequenceOverview.niceStep(5, 12));
    }
}
