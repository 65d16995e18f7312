package org.evo2wb.bio;

import java.util.Map;

/**
 * Per-record quality figures.
 *
 * @param length bases
 * @param gcFraction (G+C) / (A+C+G+T), case-insensitive, ambiguity codes excluded from both; NaN when no ACGT
 * @param nFraction N or n over length
 * @param lowercaseFraction lowercase letters over length
 * @param iupacCount ambiguity codes other than N (R, Y, K, M, S, W, B, D, H, V, either case)
 * @param featureCounts feature type to count, sorted by type
 */
public record RecordQc(
        long length,
        double gcFraction,
        double nFraction,
        double lowercaseFraction,
        long iupacCount,
        Map<String, Integer> featureCounts) {

    public static RecordQc of(SequenceRecord record) {
        throw new UnsupportedOperationException("to be implemented in bio-io");
    }
}
