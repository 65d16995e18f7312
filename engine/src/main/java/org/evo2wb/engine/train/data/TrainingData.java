package org.evo2wb.engine.train.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.SequenceFormatException;
import org.evo2wb.bio.dataset.CaseMode;
import org.evo2wb.bio.dataset.DatasetManifest;
import org.evo2wb.bio.dataset.DatasetOptions;
import org.evo2wb.bio.dataset.TrainingDataset;
import org.evo2wb.bio.dataset.WindowRef;
import org.evo2wb.bio.dataset.WindowSet;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * The data of a run, built from sequence files with the run's settings: window length and stride, validation
 * fraction and seed, reverse-complement augmentation and the N filter go to the bio-io dataset builder. Case is kept
 * in the tokens (the loss needs it to weigh soft-masked bases; {@link LossWeights} upper-cases the input later).
 *
 * @param train      training windows
 * @param validation validation windows
 * @param dataset    the dataset they come from (summary for the user, manifest for the run record)
 */
public record TrainingData(WindowSource train, WindowSource validation, TrainingDataset dataset) {

    /** The dataset options the settings ask for. */
    public static DatasetOptions options(FineTuneSettings s) {
        return DatasetOptions.of(s.get(FineTuneParameters.WINDOW_LENGTH))
                .withStride(s.get(FineTuneParameters.STRIDE))
                .withReverseComplement(s.get(FineTuneParameters.REVERSE_COMPLEMENT))
                .withCaseMode(CaseMode.KEEP)
                .withValidation(s.get(FineTuneParameters.VALIDATION_FRACTION), s.get(FineTuneParameters.SEED))
                .withNFilter(s.get(FineTuneParameters.MAX_N_FRACTION), -1);
    }

    /** Reads the files (streaming, with progress and cancellation) and cuts them as the settings say. */
    public static TrainingData build(List<Path> files, FineTuneSettings s, ReadProgress progress)
            throws IOException, SequenceFormatException {
        return of(TrainingDataset.build(files, options(s), progress));
    }

    /**
     * As {@link #build(List, FineTuneSettings, ReadProgress)}, with validation windows from separate files: every
     * record of {@code validationFiles} is held out and the validation fraction setting is not used. An empty list
     * means "split the training files by the validation fraction".
     */
    public static TrainingData build(List<Path> trainFiles, List<Path> validationFiles, FineTuneSettings s,
                                     ReadProgress progress) throws IOException, SequenceFormatException {
        return of(TrainingDataset.build(trainFiles, validationFiles, options(s), progress));
    }

    public static TrainingData of(TrainingDataset dataset) {
        return new TrainingData(windows(dataset, dataset.train()), windows(dataset, dataset.validation()), dataset);
    }

    public DatasetManifest manifest() {
        return dataset.manifest();
    }

    private static WindowSource windows(TrainingDataset dataset, WindowSet set) {
        int fullBases = dataset.options().basesPerWindow();
        return new WindowSource() {
            @Override
            public int size() {
                return set.size();
            }

            @Override
            public TokenWindow get(int index) {
                WindowRef w = set.window(index);
                int[] ids = set.tokens(index);
                byte[] tokens = new byte[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    tokens[i] = (byte) ids[i];
                }
                int recordLength = dataset.corpus().length(w.record());
                return new TokenWindow(dataset.corpus().id(w.record()), w.start(), w.reverseComplement(), tokens,
                        recordLength < fullBases);
            }
        };
    }
}
