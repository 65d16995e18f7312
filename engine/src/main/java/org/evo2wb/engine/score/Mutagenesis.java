package org.evo2wb.engine.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.evo2wb.bio.dataset.Evo2Tokenizer;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.StripedHyena;

/**
 * In-silico saturation mutagenesis: the change in log-likelihood caused by every single-base substitution of a
 * region.
 *
 * <p>For a sequence x of n bases, a region [s, e) (0-based, half-open) and a context c, the scored window is
 * <pre>
 *   W = x[w0, w1),   w0 = max(0, s − c),   w1 = min(n, e + c)
 *   LL(W) = Σ_t log P(W[t] | W[&lt;t])          over the window's scored bases, W scored on its own
 *   Δ(b, i) = LL(W with W[i] := b) − LL(W)    for i ∈ [s, e), b ∈ {A, C, G, T}, b ≠ x[i]
 * </pre>
 * exactly as {@link Scorer} would score the window as a sequence of its own with the same options (so Δ equals the
 * difference of two {@link SequenceScore#forwardSum()} values). Δ &lt; 0 means the model finds the substitution
 * less likely than the reference. The reference cell holds 0; at a position whose base is not A, C, G or T every
 * one of the four bases is a substitution.
 *
 * <p>All 3·(e − s) variants have the window's length, so they run in unpadded batches of
 * {@link ScoringOptions#batchSize()} rows, with grad mode off and each batch in its own {@link NDScope}. A
 * substituted base keeps the case of the base it replaces. The window must fit one forward pass
 * ({@link ScoringOptions#chunkLength()} tokens, BOS included).
 */
public final class Mutagenesis {

    /** Most bases of one region (3 variants each). */
    public static final int MAX_REGION = 1024;
    /** Row order of {@link Result#delta(int, int)}. */
    public static final String BASES = "ACGT";

    private final StripedHyena model;
    private final ScoringOptions options;

    public Mutagenesis(StripedHyena model, ScoringOptions options) {
        this.model = model;
        this.options = options;
    }

    /**
     * What to mutate.
     *
     * @param id record id for messages and outputs
     * @param sequence the whole record (or pasted sequence)
     * @param start first base of the region, 0-based
     * @param end one past the last base of the region
     * @param context bases of flanking sequence on each side in the scored window
     */
    public record Region(String id, String sequence, int start, int end, int context) {

        public Region {
            if (start < 0 || end > sequence.length() || start >= end) {
                throw new IllegalArgumentException("record '" + id + "': region " + (start + 1) + ".." + end
                        + " is not inside 1.." + sequence.length());
            }
            if (end - start > MAX_REGION) {
                throw new IllegalArgumentException("record '" + id + "': region " + (start + 1) + ".." + end
                        + " has " + (end - start) + " bases; saturation mutagenesis takes at most " + MAX_REGION
                        + " at a time: mutate it in parts");
            }
            if (context < 0) {
                throw new IllegalArgumentException("record '" + id + "': context must be ≥ 0, got " + context);
            }
        }

        public int windowStart() {
            return Math.max(0, start - context);
        }

        public int windowEnd() {
            return Math.min(sequence.length(), end + context);
        }

        public int length() {
            return end - start;
        }
    }

    /**
     * Δ log-likelihoods of a region.
     *
     * @param id record id
     * @param start first base of the region (0-based)
     * @param end one past its last base
     * @param windowStart first base of the scored window
     * @param windowEnd one past the window's last base
     * @param reference the region's bases
     * @param referenceLogLikelihood LL(W) of the unmutated window, nats
     * @param deltas Δ in nats, row-major 4 × L: {@code deltas[b * L + i]} for base {@code BASES.charAt(b)} at
     *               region position i; 0 for the reference base
     */
    public record Result(String id, int start, int end, int windowStart, int windowEnd, String reference,
                         double referenceLogLikelihood, double[] deltas) {

        /** Bases in the region (L). */
        public int length() {
            return end - start;
        }

        /** Δ for base index {@code b} (into {@link #BASES}) at region position {@code i} (0-based). */
        public double delta(int b, int i) {
            return deltas[b * length() + i];
        }

        /** Index into {@link #BASES} of the reference base at region position i, -1 if it is not A, C, G or T. */
        public int referenceIndex(int i) {
            return baseIndex(reference.charAt(i));
        }
    }

    /** Index of a base in {@link #BASES} (either case), -1 for any other letter. */
    public static int baseIndex(char c) {
        return BASES.indexOf(Character.toUpperCase(c));
    }

    /**
     * {@code options} with a chunk length that holds the region's whole scored window in one forward pass (as
     * {@link #run} needs), or {@code options} themselves when it already does.
     */
    public static ScoringOptions fitting(Region r, ScoringOptions options) {
        int tokens = r.windowEnd() - r.windowStart() + (options.prependBos() ? 1 : 0);
        return tokens <= options.chunkLength() ? options
                : options.withChunks(tokens, Math.min(options.chunkOverlap(), tokens - 1));
    }

    /** Number of substitutions (forward passes besides the reference) the region needs. */
    public static long plannedVariants(Region r) {
        long n = 0;
        for (int i = r.start(); i < r.end(); i++) {
            n += baseIndex(r.sequence().charAt(i)) < 0 ? 4 : 3;
        }
        return n;
    }

    /** Runs without progress or cancellation. */
    public Result run(Region r) {
        return run(r, done -> { }, () -> false);
    }

    /**
     * Scores the reference window and every substitution.
     *
     * @param progress receives the number of substitutions scored so far after each batch
     * @param cancelled polled between batches; when true the run stops with a {@link CancellationException}
     */
    public Result run(Region r, LongConsumer progress, BooleanSupplier cancelled) {
        String window = r.sequence().substring(r.windowStart(), r.windowEnd());
        int off = options.prependBos() ? 1 : 0;
        long[] ref = Evo2Tokenizer.encodeLongs(window, options.prependBos());
        if (ref.length != window.length() + off) {
            throw new IllegalArgumentException("record '" + r.id() + "': the window " + (r.windowStart() + 1) + ".."
                    + r.windowEnd() + " holds characters that are not single bytes; Evo 2 scores one byte per base");
        }
        if (ref.length > options.chunkLength()) {
            throw new IllegalArgumentException("record '" + r.id() + "': the scored window " + (r.windowStart() + 1)
                    + ".." + r.windowEnd() + " has " + ref.length + " tokens, more than one forward pass takes ("
                    + options.chunkLength() + "); use a smaller region or context");
        }
        if (ref.length < 2) {
            throw new IllegalArgumentException("record '" + r.id() + "': a window of one token scores nothing; "
                    + "add context or turn BOS on");
        }
        int len = r.length();
        // Variant k: position pos[k] (window-relative), token tok[k]; k = 0 is the reference.
        int total = (int) plannedVariants(r) + 1;
        int[] pos = new int[total];
        long[] tok = new long[total];
        int[] cell = new int[total];
        pos[0] = -1;
        int k = 1;
        for (int i = 0; i < len; i++) {
            char refBase = r.sequence().charAt(r.start() + i);
            boolean lower = Character.isLowerCase(refBase);
            for (int b = 0; b < 4; b++) {
                if (b == baseIndex(refBase)) {
                    continue;
                }
                char alt = lower ? Character.toLowerCase(BASES.charAt(b)) : BASES.charAt(b);
                pos[k] = r.start() + i - r.windowStart() + off;
                tok[k] = alt;
                cell[k] = b * len + i;
                k++;
            }
        }
        double[] sums = new double[total];
        long done = 0;
        try (GradMode g = GradMode.disabled()) {
            for (int first = 0; first < total; first += options.batchSize()) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("mutagenesis of '" + r.id() + "' cancelled");
                }
                int rows = Math.min(options.batchSize(), total - first);
                long[] ids = new long[rows * ref.length];
                for (int row = 0; row < rows; row++) {
                    System.arraycopy(ref, 0, ids, row * ref.length, ref.length);
                    int v = first + row;
                    if (pos[v] >= 0) {
                        ids[row * ref.length + pos[v]] = tok[v];
                    }
                }
                double[] batchSums = windowSums(ids, rows, ref.length);
                System.arraycopy(batchSums, 0, sums, first, rows);
                done += first == 0 ? rows - 1 : rows;
                progress.accept(done);
            }
        }
        double[] deltas = new double[4 * len];
        for (int v = 1; v < total; v++) {
            deltas[cell[v]] = sums[v] - sums[0];
        }
        return new Result(r.id(), r.start(), r.end(), r.windowStart(), r.windowEnd(),
                r.sequence().substring(r.start(), r.end()), sums[0], deltas);
    }

    /** Σ_t log P(x[t] | x[<t]) of each row, summed in the order {@link Scorer} sums them. */
    private double[] windowSums(long[] ids, int rows, int len) {
        float[] lp;
        try (NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray t = m.create(ids, new Shape(rows, len));
            NDArray logp = model.forward(t).logSoftmax(-1).get(":, :-1, :");
            lp = logp.gather(t.get(":, 1:").expandDims(-1), 2).toFloatArray();          // (rows, len-1)
        }
        double[] out = new double[rows];
        for (int row = 0; row < rows; row++) {
            double s = 0;
            for (int j = 0; j < len - 1; j++) {
                s += lp[row * (len - 1) + j];
            }
            out[row] = s;
        }
        return out;
    }

    /**
     * Writes a result as TSV: {@code record position ref alt delta_loglik} (1-based record positions, one row per
     * substitution, Δ in nats with 6 decimals), plus {@code effect cds codon aa_change} when codon calls are given.
     * Two comment lines in front name the window and the reference log-likelihood.
     *
     * @param calls per-cell codon calls from {@link CodonEffects#classify}, or null
     */
    public static void writeTsv(Writer w, Result r, CodonEffects.Call[] calls) throws IOException {
        w.write("# saturation mutagenesis of " + r.id() + ":" + (r.start() + 1) + "-" + r.end() + ", scored window "
                + (r.windowStart() + 1) + "-" + r.windowEnd() + "\n");
        w.write(String.format(Locale.ROOT, "# reference window log-likelihood %.6f nats%n",
                r.referenceLogLikelihood()));
        w.write(calls == null ? "record\tposition\tref\talt\tdelta_loglik\n"
                : "record\tposition\tref\talt\tdelta_loglik\teffect\tcds\tcodon\taa_change\n");
        int len = r.length();
        for (int i = 0; i < len; i++) {
            char refBase = r.reference().charAt(i);
            for (int b = 0; b < 4; b++) {
                if (b == r.referenceIndex(i)) {
                    continue;
                }
                w.write(r.id() + "\t" + (r.start() + i + 1) + "\t" + refBase + "\t" + BASES.charAt(b) + "\t"
                        + String.format(Locale.ROOT, "%.6f", r.delta(b, i)));
                if (calls != null) {
                    CodonEffects.Call c = calls[b * len + i];
                    w.write("\t" + c.effect().label() + "\t" + c.cds() + "\t"
                            + (c.codon() > 0 ? Integer.toString(c.codon()) : "") + "\t" + c.change());
                }
                w.write('\n');
            }
        }
    }
}
