package org.evo2wb.engine.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.score.SequenceScore;

/**
 * How far a model's per-base log-probabilities in one precision lie from the same model's in another (fp16-mixed
 * against fp32, say): mean and largest |Δ log P(base | bases before it)|, in nats, over the bases both scored.
 * Reduced-precision runs cannot match bit for bit; this spread is how they are compared.
 *
 * @param meanAbs mean |Δ| over the bases
 * @param maxAbs largest |Δ|
 * @param bases bases compared
 */
public record PrecisionSpread(double meanAbs, double maxAbs, long bases) {

    /** The spread between two per-base arrays of equal length; NaN entries (unscored bases) are skipped in both. */
    public static PrecisionSpread of(float[] reference, float[] candidate) {
        return of(List.of(reference), List.of(candidate));
    }

    /** The spread over several sequences' per-base arrays, paired by position in the lists. */
    public static PrecisionSpread of(List<float[]> reference, List<float[]> candidate) {
        if (reference.size() != candidate.size()) {
            throw new IllegalArgumentException(candidate.size() + " sequences against " + reference.size());
        }
        double sum = 0;
        double max = 0;
        long n = 0;
        for (int s = 0; s < reference.size(); s++) {
            float[] a = reference.get(s);
            float[] b = candidate.get(s);
            if (a.length != b.length) {
                throw new IllegalArgumentException("sequence " + s + ": " + b.length + " values against " + a.length);
            }
            for (int i = 0; i < a.length; i++) {
                if (Float.isNaN(a[i]) && Float.isNaN(b[i])) {
                    continue;
                }
                double d = Math.abs((double) a[i] - b[i]);
                if (Double.isNaN(d)) {
                    d = Double.POSITIVE_INFINITY;           // one scored, the other not finite: as far apart as can be
                }
                sum += d;
                max = Math.max(max, d);
                n++;
            }
        }
        return new PrecisionSpread(n == 0 ? Double.NaN : sum / n, max, n);
    }

    /** Scores the same sequences with both models (default scoring options) and compares their per-base scores. */
    public static PrecisionSpread compare(StripedHyena reference, StripedHyena candidate, List<Scorer.Input> inputs) {
        return of(logProbs(reference, inputs), logProbs(candidate, inputs));
    }

    private static List<float[]> logProbs(StripedHyena model, List<Scorer.Input> inputs) {
        List<float[]> out = new ArrayList<>();
        for (SequenceScore s : new Scorer(model, ScoringOptions.defaults()).score(inputs)) {
            out.add(s.logProbs());
        }
        return out;
    }

    /**
     * Cuts sequences into consecutive stretches of {@code length} bases (a shorter last one kept if it has at least
     * 2 bases), up to {@code maxBases} bases in all, named {@code id:start-end} (1-based).
     */
    public static List<Scorer.Input> stretches(List<Scorer.Input> sequences, int length, long maxBases) {
        List<Scorer.Input> out = new ArrayList<>();
        long taken = 0;
        for (Scorer.Input in : sequences) {
            String seq = in.sequence();
            for (int start = 0; start + 2 <= seq.length() && taken < maxBases; start += length) {
                int end = (int) Math.min(Math.min(seq.length(), (long) start + length), start + maxBases - taken);
                if (end - start < 2) {
                    break;
                }
                out.add(new Scorer.Input(in.id() + ":" + (start + 1) + "-" + end, seq.substring(start, end)));
                taken += end - start;
            }
        }
        return out;
    }

    public String format() {
        return String.format(Locale.ROOT, "per-base log-prob |Δ| mean %.3g, max %.3g nats over %,d bases",
                meanAbs, maxAbs, bases);
    }
}
