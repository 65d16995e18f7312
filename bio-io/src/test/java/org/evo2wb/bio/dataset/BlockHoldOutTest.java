package org.evo2wb.bio.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.evo2wb.bio.MoleculeType;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.bio.Topology;
import org.junit.jupiter.api.Test;

class BlockHoldOutTest {

    private static Corpus genome(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append("ACGT".charAt(r.nextInt(4)));
        }
        return Corpus.of(List.of(new SequenceRecord("genome", "", b.toString(), Topology.UNKNOWN,
                MoleculeType.UNKNOWN, List.of(), List.of(), "mem:genome")));
    }

    @Test
    void oneRecordHoldsOutBlocksWithAWindowsGapToEveryTrainingWindow() {
        int n = 200_000;
        DatasetOptions o = DatasetOptions.of(1001).withValidation(0.1, 7);    // 1,000 bases a window
        int w = o.basesPerWindow();
        TrainingDataset d = TrainingDataset.build(genome(n, 1), o);
        BlockHoldOut blocks = BlockHoldOut.plan(d.corpus(), 0.1, 7, w);
        // 20,000 bases held out: 20,000 / (8 · 1,000) → 2 blocks of 10,000, one in each half of the record
        assertEquals(2, blocks.blocks().size());
        assertEquals(20_000, blocks.heldBases());
        assertTrue(blocks.blocks().get(0)[1] <= n / 2 && blocks.blocks().get(1)[0] >= n / 2);

        assertEquals(20, d.validation().size(), "each 10,000-base block tiled by 1,000-base windows");
        for (int i = 0; i < d.validation().size(); i++) {
            WindowRef v = d.validation().window(i);
            assertTrue(blocks.blocks().stream().anyMatch(b -> v.start() >= b[0] && v.end() <= b[1]), v.toString());
        }
        for (int i = 0; i < d.train().size(); i++) {
            WindowRef t = d.train().window(i);
            for (int[] b : blocks.blocks()) {
                assertTrue(t.end() <= b[0] - w || t.start() >= b[1] + w, t + " lies within a window of a block");
            }
        }
        // Without a hold-out the record has 200 windows; 20 are validation, and at most 2 · (10 + 2 + 1) are lost
        // to the blocks and their gaps.
        assertTrue(d.train().size() >= 200 - 2 * 13 && d.train().size() <= 200 - 20, "" + d.train().size());
        String note = d.summary().notes().get(0);
        assertTrue(note.startsWith("validation: one record, so 2 contiguous blocks of genome (20,000 bases, 10.0 %) "
                + "held out at "), note);
        assertTrue(note.endsWith("training windows keep a gap of at least one window (1,000 bases) from them"),
                note);
    }

    @Test
    void aRecordTooShortForABlockAndItsGapsHasNoValidation() {
        DatasetOptions o = DatasetOptions.of(1001).withValidation(0.1, 7);
        TrainingDataset d = TrainingDataset.build(genome(3_500, 2), o);
        assertEquals(0, d.validation().size());
        assertEquals(4, d.train().size());
        assertTrue(d.summary().notes().get(0).startsWith("no validation set: a single record too short"),
                d.summary().notes().toString());
    }
}
