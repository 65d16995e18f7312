package org.evo2wb.bio.dataset;

import java.util.SplittableRandom;

/**
 * Splits a corpus into training and validation by whole records, so no window and no base is shared between them.
 *
 * <p>Records are shuffled with the seed (Fisher-Yates); walking that order, a record goes to validation while the
 * validation bases stay within {@code fraction * total bases}. If no record fits (all are larger than the target)
 * and there are at least two records, the smallest record is held out, so validation is never silently empty. A
 * single-record corpus cannot be split by record: everything is training.
 */
final class RecordSplit {

    private RecordSplit() {}

    /** {@code result[r]} is true when record r is held out for validation. */
    static boolean[] validationRecords(Corpus corpus, double fraction, long seed) {
        int n = corpus.size();
        boolean[] validation = new boolean[n];
        if (fraction <= 0 || n < 2) {
            return validation;
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        long target = Math.round(fraction * corpus.totalBases());
        long held = 0;
        for (int r : order) {
            if (held + corpus.length(r) <= target) {
                validation[r] = true;
                held += corpus.length(r);
            }
        }
        if (held == 0) {
            int smallest = 0;
            for (int r = 1; r < n; r++) {
                if (corpus.length(r) < corpus.length(smallest)) {
                    smallest = r;
                }
            }
            validation[smallest] = true;
        }
        return validation;
    }
}
