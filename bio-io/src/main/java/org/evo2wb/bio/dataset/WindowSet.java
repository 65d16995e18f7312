package org.evo2wb.bio.dataset;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.evo2wb.bio.Iupac;

/**
 * The windows of one side of the split (training or validation), held as one {@code long} each (record index, start,
 * strand), so that even hundreds of thousands of windows over a large corpus cost a few megabytes. Tokens are made
 * when asked for, from the {@link Corpus} bases.
 */
public final class WindowSet {

    /** Most records a dataset can index (24 bits of the packed window). */
    public static final int MAX_RECORDS = 1 << 24;

    private static final long START_MASK = (1L << 31) - 1;
    private static final long RC_BIT = 1L << 31;

    private final Corpus corpus;
    private final DatasetOptions options;
    private final long[] packed;
    private final long totalTokens;
    private final long totalBases;

    WindowSet(Corpus corpus, DatasetOptions options, long[] packed) {
        this.corpus = corpus;
        this.options = options;
        this.packed = packed;
        long tokens = 0;
        long bases = 0;
        for (int i = 0; i < packed.length; i++) {
            tokens += tokenCount(i);
            bases += window(i).length();
        }
        this.totalTokens = tokens;
        this.totalBases = bases;
    }

    static long pack(int record, int start, boolean reverseComplement) {
        return ((long) record << 32) | (reverseComplement ? RC_BIT : 0) | start;
    }

    public int size() {
        return packed.length;
    }

    public WindowRef window(int i) {
        long p = packed[i];
        int record = (int) (p >>> 32);
        int start = (int) (p & START_MASK);
        int length = Math.min(options.basesPerWindow(), corpus.length(record) - start);
        return new WindowRef(record, start, length, (p & RC_BIT) != 0);
    }

    /** True when the window's tokens reach the end of its record's strand (EOS follows them when enabled). */
    public boolean reachesRecordEnd(int i) {
        WindowRef w = window(i);
        return w.reverseComplement() ? w.start() == 0 : w.end() == corpus.length(w.record());
    }

    /** The window's bases as they are tokenized: case mode and reverse complement applied. */
    public byte[] bases(int i) {
        WindowRef w = window(i);
        String s = corpus.sequence(w.record());
        byte[] out = new byte[w.length()];
        if (w.reverseComplement()) {
            for (int k = 0, from = w.end() - 1; k < out.length; k++, from--) {
                out[k] = Iupac.complement((byte) s.charAt(from));
            }
        } else {
            for (int k = 0; k < out.length; k++) {
                out[k] = (byte) s.charAt(w.start() + k);
            }
        }
        if (options.caseMode() == CaseMode.UPPER) {
            for (int k = 0; k < out.length; k++) {
                if (out[k] >= 'a' && out[k] <= 'z') {
                    out[k] -= 'a' - 'A';
                }
            }
        }
        return out;
    }

    /** The window's token ids: optional BOS, the bases, EOS when the window reaches its record's end. */
    public int[] tokens(int i) {
        byte[] b = bases(i);
        return Evo2Tokenizer.encode(b, 0, b.length, options.prependBos(), options.appendEos() && reachesRecordEnd(i));
    }

    public int tokenCount(int i) {
        return window(i).length() + (options.prependBos() ? 1 : 0)
                + (options.appendEos() && reachesRecordEnd(i) ? 1 : 0);
    }

    public long totalTokens() {
        return totalTokens;
    }

    /** Bases over all windows (overlaps and reverse-complement twins counted each time). */
    public long totalBases() {
        return totalBases;
    }

    /** Distinct records that have windows here. */
    public int[] records() {
        return Arrays.stream(packed).mapToInt(p -> (int) (p >>> 32)).distinct().sorted().toArray();
    }

    /** Optimizer steps for one pass over these windows: {@code ceil(size / batchSize)}. */
    public long stepsPerEpoch(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
        }
        return (packed.length + (long) batchSize - 1) / batchSize;
    }

    /** The windows at {@code indices}, each row padded with PAD (1) to {@code windowTokens}. */
    public TokenBatch batch(int[] indices) {
        int width = options.windowTokens();
        int[][] rows = new int[indices.length][];
        int[] lengths = new int[indices.length];
        for (int r = 0; r < indices.length; r++) {
            int[] t = tokens(indices[r]);
            lengths[r] = t.length;
            rows[r] = Arrays.copyOf(t, width);
            Arrays.fill(rows[r], t.length, width, Evo2Tokenizer.PAD_ID);
        }
        return new TokenBatch(rows, lengths, indices.clone());
    }

    /** A permutation of the window indices, the same for the same seed and epoch (Fisher-Yates). */
    public int[] epochOrder(long seed, int epoch) {
        int[] order = new int[packed.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The batches of one training epoch in shuffled order; the last batch may be smaller. */
    public Iterator<TokenBatch> epoch(int batchSize, long seed, int epoch) {
        return batches(epochOrder(seed, epoch), batchSize);
    }

    /** The batches in window order (for validation); the last batch may be smaller. */
    public Iterator<TokenBatch> inOrder(int batchSize) {
        int[] order = new int[packed.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return batches(order, batchSize);
    }

    private Iterator<TokenBatch> batches(int[] order, int batchSize) {
        stepsPerEpoch(batchSize); // validates
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < order.length;
            }

            @Override
            public TokenBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int end = Math.min(order.length, next + batchSize);
                TokenBatch b = batch(Arrays.copyOfRange(order, next, end));
                next = end;
                return b;
            }
        };
    }
}
