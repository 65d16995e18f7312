package org.evo2wb.bio.dataset;

/**
 * One window of a corpus record: bases {@code [start, start + length)} (0-based) of record {@code record}, read on
 * the reverse strand when {@code reverseComplement}.
 *
 * @param record index of the record in the {@link Corpus}
 * @param start first base, 0-based
 * @param length number of bases
 * @param reverseComplement the window's tokens are the reverse complement of those bases
 */
public record WindowRef(int record, int start, int length, boolean reverseComplement) {

    /** Exclusive end of the bases. */
    public int end() {
        return start + length;
    }
}
