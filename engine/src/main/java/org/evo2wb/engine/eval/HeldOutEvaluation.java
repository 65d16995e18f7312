package org.evo2wb.engine.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.score.SequenceScore;

/**
 * Held-out bits per base of a model next to the best order-k Markov model fitted on the same training sequences:
 * the check that a trained Evo 2 model learned more than k-mer statistics.
 *
 * <p>Validation sequences are cut into segments of {@link Options#window()} bases at evenly spaced starts over every
 * record (a number of segments proportional to the record's length, {@link Options#maxSegments()} in all; segments
 * with more than 10 % non-ACGT bases are skipped), upper-cased. The model scores each segment in one forward pass
 * without BOS; the Markov models of orders {@code minOrder..maxOrder} and each pseudo-count α are fitted on the
 * training sequences and the (k, α) with the lowest bits per base on the segments is kept
 * ({@link MarkovBaseline#selectOrder}). Both are then compared on exactly the same target bases: position t of a
 * segment counts when it is ACGT and the chosen Markov order has a full ACGT context there (t ≥ k), so
 *
 * <pre>
 *   bits/base = −(1/N) Σ_{segments} Σ_{counted t} log₂ P(x[t] | x[&lt;t])
 * </pre>
 *
 * with the model conditioning on every earlier base of its segment and the Markov model on the k previous ones.
 */
public final class HeldOutEvaluation {

    /** Segments with a larger share of non-ACGT bases are left out. */
    public static final double MAX_NON_ACGT = 0.1;

    /**
     * @param window      bases per segment (at most the model's context; 1,024 for the bundled default model)
     * @param maxSegments most segments over all validation records
     * @param minOrder    lowest Markov order tried
     * @param maxOrder    highest Markov order tried (at most {@link MarkovBaseline#MAX_ORDER})
     * @param alphas      pseudo-counts tried
     * @param batchSize   segments per forward pass
     */
    public record Options(int window, int maxSegments, int minOrder, int maxOrder, List<Double> alphas, int batchSize) {

        public Options {
            alphas = List.copyOf(alphas);
            if (window < 2) {
                throw new IllegalArgumentException("segment window must be at least 2 bases, got " + window);
            }
            if (maxSegments < 1 || batchSize < 1) {
                throw new IllegalArgumentException("segments and batch size must be at least 1");
            }
            if (minOrder < 0 || maxOrder < minOrder || maxOrder > MarkovBaseline.MAX_ORDER) {
                throw new IllegalArgumentException("Markov orders must satisfy 0 ≤ min ≤ max ≤ "
                        + MarkovBaseline.MAX_ORDER + ", got " + minOrder + ".." + maxOrder);
            }
            if (alphas.isEmpty()) {
                throw new IllegalArgumentException("give at least one pseudo-count alpha");
            }
        }

        /** 256 segments of 1,024 bases, orders 0–12, α ∈ {0.1, 0.5, 1}, batches of 4. */
        public static Options defaults() {
            return new Options(1024, 256, 0, 12, List.of(0.1, 0.5, 1.0), 4);
        }
    }

    /**
     * The comparison.
     *
     * @param modelBitsPerBase   the model's mean bits per counted base
     * @param markovBitsPerBase  the chosen Markov model's, on the same bases
     * @param markovOrder        chosen k
     * @param markovAlpha        chosen α
     * @param bitsPerOrder       Markov bits per base (all its scored positions) for orders minOrder.. with the chosen α
     * @param minOrder           order of {@code bitsPerOrder[0]}
     * @param bases              counted bases
     * @param segments           segments scored
     */
    public record Result(double modelBitsPerBase, double markovBitsPerBase, int markovOrder, double markovAlpha,
                         double[] bitsPerOrder, int minOrder, long bases, int segments) {

        /** Markov minus model bits per base: positive when the model is better. */
        public double gain() {
            return markovBitsPerBase - modelBitsPerBase;
        }

        public String format() {
            return String.format(Locale.ROOT, "model %.4f bits/base, Markov order %d (alpha %s) %.4f bits/base on the "
                            + "same %,d bases of %d segments: the model is %.4f bits/base (%.2f %%) %s",
                    modelBitsPerBase, markovOrder, markovAlpha, markovBitsPerBase, bases, segments, Math.abs(gain()),
                    100 * Math.abs(gain()) / markovBitsPerBase, gain() > 0 ? "better" : "worse");
        }
    }

    private HeldOutEvaluation() {
    }

    /**
     * Scores the model and the Markov baselines.
     *
     * @param training   sequences the model (and the Markov models) were fitted on
     * @param validation held-out sequences
     * @param progress   receives the model's scored tokens so far
     * @param cancelled  polled between batches of segments
     */
    public static Result run(StripedHyena model, List<? extends CharSequence> training,
                             List<? extends CharSequence> validation, Options o, LongConsumer progress,
                             BooleanSupplier cancelled) {
        List<String> segments = segments(validation, o.window(), o.maxSegments());
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("the validation sequences give no segment of " + o.window()
                    + " bases with at most " + (int) (100 * MAX_NON_ACGT) + " % non-ACGT bases");
        }
        MarkovBaseline.Selection best = null;
        for (double alpha : o.alphas()) {
            MarkovBaseline.Selection s = MarkovBaseline.selectOrder(training, segments, o.minOrder(), o.maxOrder(),
                    alpha);
            if (best == null || s.score().bitsPerBase() < best.score().bitsPerBase()) {
                best = s;
            }
            if (cancelled.getAsBoolean()) {
                throw new java.util.concurrent.CancellationException("evaluation cancelled");
            }
        }
        List<Scorer.Input> inputs = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            inputs.add(new Scorer.Input("segment-" + i, segments.get(i)));
        }
        int chunk = Math.max(2, segments.stream().mapToInt(String::length).max().orElse(2));
        Scorer scorer = new Scorer(model, new ScoringOptions(false, false, o.batchSize(), chunk, 1));
        List<SequenceScore> scores = scorer.score(inputs, progress, cancelled);
        double modelSum = 0;
        double markovSum = 0;
        long n = 0;
        for (int i = 0; i < segments.size(); i++) {
            double[] markov = best.model().log2Probs(segments.get(i));
            float[] lp = scores.get(i).logProbs();
            for (int t = 1; t < markov.length; t++) {
                if (!Double.isNaN(markov[t]) && !Float.isNaN(lp[t])) {
                    modelSum -= lp[t] / Math.log(2);
                    markovSum -= markov[t];
                    n++;
                }
            }
        }
        return new Result(modelSum / n, markovSum / n, best.model().order(), best.model().alpha(),
                best.bitsPerOrder().clone(), best.minOrder(), n, segments.size());
    }

    /**
     * Up to {@code maxSegments} upper-cased segments of {@code window} bases: each record of at least
     * {@code window} bases gets a share proportional to its length (at least one), with starts evenly spaced from its
     * first to its last full window; shorter records are not used. Segments with more than {@link #MAX_NON_ACGT}
     * non-ACGT bases are dropped.
     */
    public static List<String> segments(List<? extends CharSequence> validation, int window, int maxSegments) {
        long usable = 0;
        for (CharSequence s : validation) {
            if (s.length() >= window) {
                usable += s.length();
            }
        }
        List<String> out = new ArrayList<>();
        if (usable == 0) {
            return out;
        }
        for (CharSequence s : validation) {
            if (s.length() < window) {
                continue;
            }
            int count = (int) Math.max(1, (long) maxSegments * s.length() / usable);
            long span = s.length() - window;
            for (int j = 0; j < count; j++) {
                int start = (int) (count == 1 ? 0 : span * j / (count - 1));
                String seg = s.subSequence(start, start + window).toString().toUpperCase(Locale.ROOT);
                if (nonAcgt(seg) <= MAX_NON_ACGT * window) {
                    out.add(seg);
                }
            }
        }
        return out.size() > maxSegments ? List.copyOf(out.subList(0, maxSegments)) : out;
    }

    private static int nonAcgt(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != 'A' && c != 'C' && c != 'G' && c != 'T') {
                n++;
            }
        }
        return n;
    }

    /** Every record's bases from the files, in order (streamed; only the bases are kept). */
    public static List<String> readSequences(List<Path> files) throws IOException, SequenceFormatException {
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            SequenceFiles.forEach(f, ReadProgress.NONE, r -> out.add(r.sequence()));
        }
        return out;
    }
}
