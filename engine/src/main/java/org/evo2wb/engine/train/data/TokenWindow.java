package org.evo2wb.engine.train.data;

/**
 * One training example: the byte tokens of a stretch of one record (Evo 2's tokenizer is the byte value, §2 of
 * the model spec: 'A' = 65, 'a' = 97). A window shorter than the run's window length comes from a short record; it is
 * padded (and its padding masked out of the loss) or refused, by {@link ShortSequencePolicy}.
 *
 * @param record name of the record it comes from (for messages)
 * @param start  0-based position of the first token in the record (on the strand given)
 * @param reverseComplement whether the tokens are the reverse complement of the record
 * @param tokens the byte tokens (end-of-record mark 0 included where the data add one)
 * @param shortRecord the whole record is shorter than a window (this window is all of it)
 */
public record TokenWindow(String record, long start, boolean reverseComplement, byte[] tokens, boolean shortRecord) {

    public int length() {
        return tokens.length;
    }
}
