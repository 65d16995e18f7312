package org.evo2wb.app.ui.score;

import java.util.ArrayList;
import java.util.List;

/**
 * Min, max and mean of a per-base track over any range of bases in time independent of the range's length, for
 * drawing a megabase record one pixel column at a time.
 *
 * <p>Level k (k ≥ 1) holds, for each bin of {@code 4^k} consecutive bases, the minimum, maximum, sum and count of
 * the values that are not NaN. A range query scans whole bins of the coarsest level that fits and the raw values at
 * both ends, so it costs O(4 · level + range / 4^level) reads. Levels stop once one bin covers the track. Memory:
 * about a third of the track again, four numbers per bin.
 */
final class TrackSummary {

    /** Statistics of a range; NaN everywhere when it holds no value. */
    record Stats(double min, double max, double mean, int count) {
        static final Stats EMPTY = new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
    }

    private static final int FACTOR = 4;

    private final float[] values;
    private final List<Level> levels = new ArrayList<>();

    private record Level(int bin, float[] min, float[] max, double[] sum, int[] count) {}

    TrackSummary(float[] values) {
        this.values = values;
        Level previous = null;
        for (int bin = FACTOR; bin / FACTOR < values.length; bin *= FACTOR) {
            previous = previous == null ? fromValues(bin) : fromLevel(previous);
            levels.add(previous);
        }
    }

    /** The first level, from the values. */
    private Level fromValues(int bin) {
        int n = (values.length + bin - 1) / bin;
        Level l = new Level(bin, new float[n], new float[n], new double[n], new int[n]);
        for (int b = 0; b < n; b++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            double s = 0;
            int c = 0;
            int end = Math.min(values.length, (b + 1) * bin);
            for (int i = b * bin; i < end; i++) {
                float v = values[i];
                if (!Float.isNaN(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    s += v;
                    c++;
                }
            }
            l.min[b] = lo;
            l.max[b] = hi;
            l.sum[b] = s;
            l.count[b] = c;
        }
        return l;
    }

    /** The next level, from {@link #FACTOR} bins of the previous one each. */
    private static Level fromLevel(Level p) {
        int n = (p.count.length + FACTOR - 1) / FACTOR;
        Level l = new Level(p.bin * FACTOR, new float[n], new float[n], new double[n], new int[n]);
        for (int b = 0; b < n; b++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            double s = 0;
            int c = 0;
            int end = Math.min(p.count.length, (b + 1) * FACTOR);
            for (int i = b * FACTOR; i < end; i++) {
                if (p.count[i] > 0) {
                    lo = Math.min(lo, p.min[i]);
                    hi = Math.max(hi, p.max[i]);
                    s += p.sum[i];
                    c += p.count[i];
                }
            }
            l.min[b] = lo;
            l.max[b] = hi;
            l.sum[b] = s;
            l.count[b] = c;
        }
        return l;
    }

    int length() {
        return values.length;
    }

    float value(int i) {
        return values[i];
    }

    float[] values() {
        return values;
    }

    /** Statistics of the values in [from, to) (clamped to the track). */
    Stats stats(int from, int to) {
        from = Math.max(0, from);
        to = Math.min(values.length, to);
        if (from >= to) {
            return Stats.EMPTY;
        }
        Acc acc = new Acc();
        Level use = null;
        for (Level l : levels) {
            if (l.bin * 2 <= to - from) {
                use = l;
            }
        }
        if (use == null) {
            acc.raw(values, from, to);
        } else {
            int firstBin = (from + use.bin - 1) / use.bin;
            int lastBin = to / use.bin;                   // exclusive
            acc.raw(values, from, Math.min(to, firstBin * use.bin));
            for (int b = firstBin; b < lastBin; b++) {
                acc.bin(use, b);
            }
            acc.raw(values, Math.max(from, lastBin * use.bin), to);
        }
        return acc.count == 0 ? Stats.EMPTY : new Stats(acc.min, acc.max, acc.sum / acc.count, acc.count);
    }

    private static final class Acc {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum;
        int count;

        void raw(float[] v, int from, int to) {
            for (int i = from; i < to; i++) {
                if (!Float.isNaN(v[i])) {
                    min = Math.min(min, v[i]);
                    max = Math.max(max, v[i]);
                    sum += v[i];
                    count++;
                }
            }
        }

        void bin(Level l, int b) {
            if (l.count[b] > 0) {
                min = Math.min(min, l.min[b]);
                max = Math.max(max, l.max[b]);
                sum += l.sum[b];
                count += l.count[b];
            }
        }
    }
}
