package org.evo2wb.bio.dataset;

/**
 * How a corpus is cut into training windows. Build with {@link #of(int)} and the {@code with...} methods.
 *
 * <p>Window geometry: a window holds at most {@code windowTokens} tokens, that is {@link #basesPerWindow()} =
 * {@code windowTokens - (prependBos ? 1 : 0) - (appendEos ? 1 : 0)} bases plus the special tokens. BOS (id 0) starts
 * every window when {@code prependBos}; EOS (id 0) follows the bases only when the window reaches the end of its
 * record (for a reverse-complement window: when it starts at the record's first base). Windows of a record start at
 * 0, stride, 2·stride, ...; when the last one stops short of the record's end, one more window ends exactly at the end;
 * a record shorter than a window gives one shorter window (padded in batches).
 *
 * <p>N filter: a window is dropped when more than {@code maxNFraction} of its bases are N (either case), or when
 * {@code maxNRun >= 0} and it holds a run of more than {@code maxNRun} consecutive N. Defaults: fraction 0.1, run
 * filter off.
 *
 * @param windowTokens tokens per window including BOS/EOS (the model's training context), at least 2 plus specials
 * @param stride bases between consecutive window starts, at least 1 (equal to {@link #basesPerWindow()} for no
 *     overlap)
 * @param prependBos start each window with BOS (id 0)
 * @param appendEos end each window that reaches its record's end with EOS (id 0)
 * @param reverseComplement augmentation of training windows
 * @param caseMode lowercase handling
 * @param validationFraction share of bases to hold out, by whole records, in [0, 1)
 * @param splitSeed seed for the record split and for {@link ReverseComplementMode#RANDOM}
 * @param maxNFraction largest share of N in a kept window, in [0, 1]
 * @param maxNRun longest N run allowed in a kept window, or -1 for no run filter
 */
public record DatasetOptions(
        int windowTokens,
        int stride,
        boolean prependBos,
        boolean appendEos,
        ReverseComplementMode reverseComplement,
        CaseMode caseMode,
        double validationFraction,
        long splitSeed,
        double maxNFraction,
        int maxNRun) {

    public DatasetOptions {
        int specials = (prependBos ? 1 : 0) + (appendEos ? 1 : 0);
        if (windowTokens - specials < 2) {
            throw new IllegalArgumentException("a window of " + windowTokens + " tokens leaves fewer than 2 bases"
                    + " after the special tokens");
        }
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be at least 1 base, was " + stride);
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), was " + validationFraction);
        }
        if (!(maxNFraction >= 0 && maxNFraction <= 1)) {
            throw new IllegalArgumentException("largest N fraction must be in [0, 1], was " + maxNFraction);
        }
        if (maxNRun < -1) {
            throw new IllegalArgumentException("longest N run must be -1 (off) or at least 0, was " + maxNRun);
        }
        if (reverseComplement == null || caseMode == null) {
            throw new IllegalArgumentException("reverse-complement mode and case mode are required");
        }
    }

    /**
     * Defaults for a window of {@code windowTokens}: no BOS, EOS at record ends, no overlap, no reverse complement,
     * case kept, 10 % validation with seed 42, windows with more than 10 % N dropped, no run filter.
     */
    public static DatasetOptions of(int windowTokens) {
        return new DatasetOptions(windowTokens, Math.max(1, windowTokens - 1), false, true,
                ReverseComplementMode.NONE, CaseMode.KEEP, 0.1, 42L, 0.1, -1);
    }

    /** Bases in a full window. */
    public int basesPerWindow() {
        return windowTokens - (prependBos ? 1 : 0) - (appendEos ? 1 : 0);
    }

    public DatasetOptions withStride(int newStride) {
        return new DatasetOptions(windowTokens, newStride, prependBos, appendEos, reverseComplement, caseMode,
                validationFraction, splitSeed, maxNFraction, maxNRun);
    }

    /** Changes BOS/EOS and resets the stride to no overlap. */
    public DatasetOptions withSpecialTokens(boolean bos, boolean eos) {
        int bases = windowTokens - (bos ? 1 : 0) - (eos ? 1 : 0);
        return new DatasetOptions(windowTokens, Math.max(1, bases), bos, eos, reverseComplement, caseMode,
                validationFraction, splitSeed, maxNFraction, maxNRun);
    }

    public DatasetOptions withReverseComplement(ReverseComplementMode mode) {
        return new DatasetOptions(windowTokens, stride, prependBos, appendEos, mode, caseMode, validationFraction,
                splitSeed, maxNFraction, maxNRun);
    }

    public DatasetOptions withCaseMode(CaseMode mode) {
        return new DatasetOptions(windowTokens, stride, prependBos, appendEos, reverseComplement, mode,
                validationFraction, splitSeed, maxNFraction, maxNRun);
    }

    public DatasetOptions withValidation(double fraction, long seed) {
        return new DatasetOptions(windowTokens, stride, prependBos, appendEos, reverseComplement, caseMode, fraction,
                seed, maxNFraction, maxNRun);
    }

    public DatasetOptions withNFilter(double maxFraction, int maxRun) {
        return new DatasetOptions(windowTokens, stride, prependBos, appendEos, reverseComplement, caseMode,
                validationFraction, splitSeed, maxFraction, maxRun);
    }
}
