package org.evo2wb.bio.dataset;

import java.util.List;

/**
 * Counts of a built dataset, for the user before training starts and for the run manifest.
 *
 * @param records records in the corpus
 * @param trainRecords records with training windows' bases (held-out records excluded)
 * @param validationRecords records held out for validation
 * @param trainBases bases of the training records
 * @param validationBases bases of the validation records
 * @param trainWindows training windows (reverse-complement twins included)
 * @param validationWindows validation windows
 * @param trainTokens tokens over all training windows, special tokens included
 * @param validationTokens tokens over all validation windows
 * @param droppedWindows windows left out by the N filter (before augmentation)
 * @param shortWindows windows shorter than a full window (records shorter than a window)
 * @param windowTokens tokens per full window
 * @param notes things the user should know (empty validation set, split far from the asked fraction, ...)
 */
public record DatasetSummary(
        int records,
        int trainRecords,
        int validationRecords,
        long trainBases,
        long validationBases,
        int trainWindows,
        int validationWindows,
        long trainTokens,
        long validationTokens,
        int droppedWindows,
        int shortWindows,
        int windowTokens,
        List<String> notes) {

    public DatasetSummary {
        notes = List.copyOf(notes);
    }

    /** Optimizer steps per epoch for a batch size: {@code ceil(trainWindows / batchSize)}. */
    public long stepsPerEpoch(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, was " + batchSize);
        }
        return (trainWindows + (long) batchSize - 1) / batchSize;
    }

    /** A few lines for a dialog or the command line. */
    public String describe(int batchSize) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%,d records: %,d for training (%,d bases), %,d for validation (%,d bases)%n",
                records, trainRecords, trainBases, validationRecords, validationBases));
        sb.append(String.format("%,d training windows (%,d tokens), %,d validation windows (%,d tokens)"
                + " of up to %,d tokens%n", trainWindows, trainTokens, validationWindows, validationTokens,
                windowTokens));
        sb.append(String.format("%,d windows dropped by the N filter, %,d shorter than a full window%n",
                droppedWindows, shortWindows));
        sb.append(String.format("about %,d steps per epoch at batch size %d%n", stepsPerEpoch(batchSize),
                batchSize));
        for (String n : notes) {
            sb.append("note: ").append(n).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
