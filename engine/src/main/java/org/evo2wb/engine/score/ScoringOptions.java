package org.evo2wb.engine.score;

/**
 * How sequences are scored.
 *
 * @param prependBos prepend the end-of-document id 0 so the first base is scored too (official
 *                   {@code prepend_bos}); without it a sequence of n bases yields n − 1 scores
 * @param averageReverseComplement also score the reverse complement and report the mean of both strands' sums and
 *                                 means (official {@code score_sequences_rc}); per-base values stay forward-strand
 * @param batchSize windows per forward pass (rows of a right-padded batch)
 * @param chunkLength C: the most tokens one forward sees; longer sequences are scored in overlapping windows
 * @param chunkOverlap O: tokens shared by consecutive windows, 1 ≤ O &lt; C; every base after the first window is
 *                     predicted with at least O tokens of left context
 */
public record ScoringOptions(boolean prependBos, boolean averageReverseComplement, int batchSize, int chunkLength,
                             int chunkOverlap) {

    public ScoringOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        }
        if (chunkLength < 2) {
            throw new IllegalArgumentException("chunk length must be ≥ 2, got " + chunkLength);
        }
        if (chunkOverlap < 1 || chunkOverlap >= chunkLength) {
            throw new IllegalArgumentException("chunk overlap must be in 1.." + (chunkLength - 1) + ", got "
                    + chunkOverlap);
        }
    }

    /** No BOS, no reverse complement, batches of 8, windows of 8192 tokens overlapping by 1024. */
    public static ScoringOptions defaults() {
        return new ScoringOptions(false, false, 8, 8192, 1024);
    }

    public ScoringOptions withBos(boolean bos) {
        return new ScoringOptions(bos, averageReverseComplement, batchSize, chunkLength, chunkOverlap);
    }

    public ScoringOptions withReverseComplement(boolean rc) {
        return new ScoringOptions(prependBos, rc, batchSize, chunkLength, chunkOverlap);
    }

    public ScoringOptions withBatchSize(int n) {
        return new ScoringOptions(prependBos, averageReverseComplement, n, chunkLength, chunkOverlap);
    }

    /**
     * Windows of {@code length} tokens overlapping by the default for that length
     * ({@link org.evo2wb.engine.load.ScoringContext#defaultOverlap(int)}).
     */
    public ScoringOptions withChunk(int length) {
        return withChunks(length, org.evo2wb.engine.load.ScoringContext.defaultOverlap(length));
    }

    public ScoringOptions withChunks(int length, int overlap) {
        return new ScoringOptions(prependBos, averageReverseComplement, batchSize, length, overlap);
    }
}
