package org.evo2wb.bio;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-record quality figures.
 *
 * @param length bases
 * @param gcFraction (G+C) / (A+C+G+T), case-insensitive, U counted as T, ambiguity codes and N excluded from both;
 *     NaN when there is no A, C, G, T or U
 * @param nFraction N or n over length (NaN for an empty record)
 * @param lowercaseFraction lowercase letters over length (NaN for an empty record)
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

    public RecordQc {
        featureCounts = Collections.unmodifiableMap(new TreeMap<>(featureCounts));
    }

    /** Counts over the record's bases (one pass) and its feature table. */
    public static RecordQc of(SequenceRecord record) {
        String s = record.sequence();
        long at = 0;
        long gc = 0;
        long n = 0;
        long lower = 0;
        long iupac = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                lower++;
                c -= 'a' - 'A';
            }
            switch (c) {
                case 'A', 'T', 'U' -> at++;
                case 'C', 'G' -> gc++;
                case 'N' -> n++;
                default -> {
                    if (Iupac.isAmbiguity(c)) {
                        iupac++;
                    }
                }
            }
        }
        Map<String, Integer> features = new TreeMap<>();
        for (Feature f : record.features()) {
            features.merge(f.type(), 1, Integer::sum);
        }
        double length = s.length();
        return new RecordQc(s.length(), at + gc == 0 ? Double.NaN : gc / (double) (at + gc),
                s.isEmpty() ? Double.NaN : n / length, s.isEmpty() ? Double.NaN : lower / length, iupac, features);
    }

    /** Number of features over all types. */
    public int featureCount() {
        return featureCounts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
