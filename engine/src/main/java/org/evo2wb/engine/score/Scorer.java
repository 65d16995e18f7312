package org.evo2wb.engine.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.evo2wb.bio.Iupac;
import org.evo2wb.bio.dataset.Evo2Tokenizer;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.model.Trace;

/**
 * Per-base log-likelihoods {@code log P(x[t] | x[<t])} (natural log) and predictive entropies of sequences under an
 * Evo 2 model.
 *
 * <p>Sequences are tokenised as bytes ({@link Evo2Tokenizer}), optionally with BOS 0 in front, cut into windows when
 * longer than the chunk length ({@link Windows}), grouped into right-padded batches (padding id 1) of similar
 * lengths, and run with grad mode off. Each row's scores are read only at its own targets, so padding never leaks
 * into a sequence's score (unlike the official {@code score_sequences}, which counts one padded position for
 * shorter sequences without BOS); causality makes a padded row equal to the same sequence scored alone.
 */
public final class Scorer {

    private final StripedHyena model;
    private final ScoringOptions options;

    public Scorer(StripedHyena model, ScoringOptions options) {
        this.model = model;
        this.options = options;
    }

    /** One sequence to score. */
    public record Input(String id, String sequence) {
    }

    /** Scores every input (see {@link #score(List, LongConsumer, BooleanSupplier)}). */
    public List<SequenceScore> score(List<Input> inputs) {
        return score(inputs, done -> { }, () -> false);
    }

    /** Total tokens the forward passes will process (the progress total reported by {@link #score}). */
    public long plannedTokens(List<Input> inputs) {
        long total = 0;
        for (Strand s : strands(inputs)) {
            for (Windows w : s.windows) {
                total += w.length();
            }
        }
        return total;
    }

    /**
     * Scores every input.
     *
     * @param progress receives the number of tokens processed so far after each batch
     * @param cancelled polled between batches; when it returns true, scoring stops with a
     *                  {@link java.util.concurrent.CancellationException}
     */
    public List<SequenceScore> score(List<Input> inputs, LongConsumer progress, BooleanSupplier cancelled) {
        List<Strand> strands = strands(inputs);
        List<Job> jobs = new ArrayList<>();
        for (Strand s : strands) {
            for (Windows w : s.windows) {
                if (w.firstTarget() <= w.lastTarget()) {
                    jobs.add(new Job(s, w));
                }
            }
        }
        jobs.sort(Comparator.comparingInt((Job j) -> -j.window.length()));
        long done = 0;
        try (GradMode g = GradMode.disabled()) {
            for (int i = 0; i < jobs.size(); i += options.batchSize()) {
                if (cancelled.getAsBoolean()) {
                    throw new java.util.concurrent.CancellationException("scoring cancelled");
                }
                List<Job> batch = jobs.subList(i, Math.min(jobs.size(), i + options.batchSize()));
                long tokens = batch.stream().mapToLong(j -> j.window.length()).sum();
                long before = done;
                int blocks = Math.max(1, model.blockCount());
                runBatch(batch, blocksDone -> progress.accept(before + tokens * blocksDone / (blocks + 1)));
                done += tokens;
                progress.accept(done);
            }
        }
        List<SequenceScore> out = new ArrayList<>();
        int k = 0;
        for (Input in : inputs) {
            Strand fwd = strands.get(k++);
            Strand rev = options.averageReverseComplement() ? strands.get(k++) : null;
            out.add(fwd.toScore(in.id(), in.sequence(), rev));
        }
        return out;
    }

    private List<Strand> strands(List<Input> inputs) {
        List<Strand> out = new ArrayList<>();
        for (Input in : inputs) {
            checkAscii(in);
            out.add(new Strand(in.sequence(), options));
            if (options.averageReverseComplement()) {
                checkNucleotides(in);
                out.add(new Strand(Iupac.reverseComplement(in.sequence()), options));
            }
        }
        return out;
    }

    private static void checkAscii(Input in) {
        String s = in.sequence();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 128) {
                throw new IllegalArgumentException("record '" + in.id() + "': character '" + s.charAt(i)
                        + "' at position " + (i + 1) + " is not ASCII; Evo 2 scores one byte per base");
            }
        }
    }

    private static void checkNucleotides(Input in) {
        String s = in.sequence();
        for (int i = 0; i < s.length(); i++) {
            if (!Iupac.isNucleotide(s.charAt(i))) {
                throw new IllegalArgumentException("record '" + in.id() + "': character '" + s.charAt(i)
                        + "' at position " + (i + 1) + " is not a nucleotide code, so the record has no reverse "
                        + "complement to average with");
            }
        }
    }

    /**
     * Runs one batch; {@code blocksDone} hears how many blocks of the stack have run, so that progress moves while a
     * long window is in the model (on a GPU a block is counted when it is queued, a little early).
     */
    private void runBatch(List<Job> batch, java.util.function.IntConsumer blocksDone) {
        int rows = batch.size();
        int len = batch.stream().mapToInt(j -> j.window.length()).max().orElseThrow();
        if (len < 2) {
            return;                                           // a single token predicts nothing
        }
        long[] ids = new long[rows * len];
        Arrays.fill(ids, Evo2Tokenizer.PAD_ID);
        for (int r = 0; r < rows; r++) {
            Job j = batch.get(r);
            System.arraycopy(j.strand.tokens, j.window.start(), ids, r * len, j.window.length());
        }
        float[] lp;
        float[] ent;
        try (NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray tok = m.create(ids, new Shape(rows, len));
            int[] count = {0};
            Trace perBlock = (name, value) -> {
                if (name.startsWith("blocks.") && name.endsWith(".out")) {
                    blocksDone.accept(++count[0]);
                }
            };
            NDArray logp = model.forward(tok, perBlock).logSoftmax(-1).get(":, :-1, :");             // (B, L-1, V)
            NDArray next = tok.get(":, 1:").expandDims(-1);
            lp = logp.gather(next, 2).toFloatArray();                                      // (B, L-1)
            ent = logp.exp().mul(logp).sum(new int[] {-1}).neg().toFloatArray();          // (B, L-1)
        }
        for (int r = 0; r < rows; r++) {
            Job j = batch.get(r);
            Windows w = j.window;
            for (int t = w.firstTarget(); t <= w.lastTarget(); t++) {
                int local = r * (len - 1) + (t - 1 - w.start());
                j.strand.logProbs[t] = lp[local];
                j.strand.entropies[t] = ent[local];
            }
        }
    }

    /** One strand of one input: its tokens, windows and per-token results (index = target token). */
    private static final class Strand {
        final long[] tokens;
        final List<Windows> windows;
        final float[] logProbs;
        final float[] entropies;
        final int offset;

        Strand(String seq, ScoringOptions o) {
            this.tokens = Evo2Tokenizer.encodeLongs(seq, o.prependBos());
            this.offset = o.prependBos() ? 1 : 0;
            this.windows = tokens.length == 0 ? List.of() : Windows.plan(tokens.length, o.chunkLength(), o.chunkOverlap());
            this.logProbs = new float[tokens.length];
            this.entropies = new float[tokens.length];
            Arrays.fill(logProbs, Float.NaN);
            Arrays.fill(entropies, Float.NaN);
        }

        /** Per-base view: base j is token j + offset. */
        float[] perBase(float[] perToken) {
            float[] out = new float[tokens.length - offset];
            System.arraycopy(perToken, offset, out, 0, out.length);
            return out;
        }

        double sum() {
            double s = 0;
            for (int t = 1; t < logProbs.length; t++) {
                s += logProbs[t];
            }
            return s;
        }

        SequenceScore toScore(String id, String seq, Strand reverse) {
            float[] lp = perBase(logProbs);
            int scored = Math.max(0, tokens.length - 1);
            return new SequenceScore(id, seq, lp, perBase(entropies), scored, sum(),
                    reverse == null ? Double.NaN : reverse.sum());
        }
    }

    private record Job(Strand strand, Windows window) {
    }
}
