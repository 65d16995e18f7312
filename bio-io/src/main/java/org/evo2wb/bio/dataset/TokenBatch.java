package org.evo2wb.bio.dataset;

/**
 * A batch of token windows for the training loop, right-padded with {@link Evo2Tokenizer#PAD_ID} to one width.
 *
 * @param tokens one row per window, each {@code width()} long
 * @param lengths real (unpadded) tokens of each row
 * @param windowIndices index of each row's window in its {@link WindowSet}
 */
public record TokenBatch(int[][] tokens, int[] lengths, int[] windowIndices) {

    public int size() {
        return tokens.length;
    }

    /** Columns of every row (the padded length). */
    public int width() {
        return tokens.length == 0 ? 0 : tokens[0].length;
    }

    /** All rows in one row-major array of longs (shape size x width), as tensor libraries take int64 ids. */
    public long[] flat() {
        int w = width();
        long[] out = new long[tokens.length * w];
        for (int r = 0; r < tokens.length; r++) {
            for (int c = 0; c < w; c++) {
                out[r * w + c] = tokens[r][c];
            }
        }
        return out;
    }
}
