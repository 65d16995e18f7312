package org.evo2wb.bio.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Validation for a corpus of one record (one genome), which cannot be split by record: a fraction of the record is
 * held out as contiguous blocks, and training windows keep a gap of at least one window from every block, so no
 * training window shares a base with, or lies right next to, a validation window.
 *
 * <p>The record is cut into {@code k} equal segments ({@code k} = validation bases / (8 windows), between 1 and 4);
 * each holds one block of {@code fraction · n / k} bases (at least one window) at a place drawn with the split seed.
 * Validation windows tile each block; a training window of the usual grid is kept only when it ends at least one
 * window before a block or starts at least one window after it; the windows in the gaps are not used.
 *
 * @param record the record's index in the corpus
 * @param blocks the held-out stretches, {@code [start, end)} pairs, in order
 * @param gap bases kept clear on each side of a block (one window)
 */
record BlockHoldOut(int record, List<int[]> blocks, int gap) {

    /** Where a window goes. */
    enum Place { TRAIN, VALIDATION, GAP }

    /**
     * The blocks of a one-record corpus, or null when there is nothing to hold out (no validation fraction, more than
     * one record) or the record is too short to keep a block, its gaps and one training window.
     */
    static BlockHoldOut plan(Corpus corpus, double fraction, long seed, int windowBases) {
        if (fraction <= 0 || corpus.size() != 1) {
            return null;
        }
        int n = (int) corpus.length(0);
        long target = Math.max(windowBases, Math.round(fraction * n));
        int k = (int) Math.max(1, Math.min(4, target / (8L * windowBases)));
        int block = (int) Math.max(windowBases, target / k);
        int segment = n / k;
        if (segment < block + 3 * windowBases) {
            return null;                                    // no room for a block, its gaps and a training window
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> blocks = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            int from = j * segment;
            int start = from + random.nextInt(segment - block + 1);
            blocks.add(new int[] {start, start + block});
        }
        return new BlockHoldOut(0, List.copyOf(blocks), windowBases);
    }

    /** Where the window {@code [start, end)} of the record goes. */
    Place place(int start, int end) {
        for (int[] b : blocks) {
            if (start >= b[0] && end <= b[1]) {
                return Place.VALIDATION;
            }
            if (end > b[0] - gap && start < b[1] + gap) {
                return Place.GAP;
            }
        }
        return Place.TRAIN;
    }

    /** Bases held out. */
    long heldBases() {
        return blocks.stream().mapToLong(b -> b[1] - b[0]).sum();
    }

    /** Validation window starts: each block tiled as a record of its own would be. */
    List<Integer> validationStarts(int windowBases, int stride) {
        List<Integer> out = new ArrayList<>();
        for (int[] b : blocks) {
            for (int s : WindowPlanner.starts(b[1] - b[0], windowBases, stride)) {
                out.add(b[0] + s);
            }
        }
        return out;
    }

    /** What the form and the command line say about it. */
    String describe(String id, long recordBases) {
        StringBuilder where = new StringBuilder();
        for (int[] b : blocks) {
            where.append(where.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,d-%,d", b[0] + 1,
                    b[1]));
        }
        return String.format(Locale.ROOT, "validation: one record, so %d contiguous %s of %s (%,d bases, %.1f %%) "
                        + "held out at %s; training windows keep a gap of at least one window (%,d bases) from them",
                blocks.size(), blocks.size() == 1 ? "block" : "blocks", id, heldBases(),
                100.0 * heldBases() / recordBases, where, gap);
    }
}
