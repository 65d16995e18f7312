package org.evo2wb.engine.variants;

import java.util.List;

/**
 * Counts of Δ in equal-width bins over [min, max] of the scored alleles, split by label: positive, negative,
 * unlabelled. The last bin includes max.
 *
 * @param min lower edge of the first bin
 * @param width bin width (positive; 1 when every Δ is equal)
 * @param counts [class][bin], class 0 positive, 1 negative, 2 unlabelled
 */
public record DeltaHistogram(double min, double width, long[][] counts) {

    public static DeltaHistogram of(List<VariantRow> rows, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("a histogram needs at least one bin, got " + bins);
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (VariantRow r : rows) {
            if (r.scored()) {
                lo = Math.min(lo, r.delta());
                hi = Math.max(hi, r.delta());
            }
        }
        long[][] counts = new long[3][bins];
        if (lo > hi) {
            return new DeltaHistogram(0, 1, counts);
        }
        double width = hi > lo ? (hi - lo) / bins : 1;
        for (VariantRow r : rows) {
            if (r.scored()) {
                int b = (int) Math.min(bins - 1, Math.floor((r.delta() - lo) / width));
                int c = r.label() == null ? 2 : r.label() ? 0 : 1;
                counts[c][b]++;
            }
        }
        return new DeltaHistogram(lo, width, counts);
    }

    public int bins() {
        return counts[0].length;
    }

    /** Centre of bin {@code b}. */
    public double centre(int b) {
        return min + (b + 0.5) * width;
    }
}
