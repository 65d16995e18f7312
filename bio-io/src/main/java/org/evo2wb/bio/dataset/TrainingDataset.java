package org.evo2wb.bio.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.bio.SequenceFormatException;

/**
 * Sequences turned into Evo 2 training data: a {@link Corpus}, split by record into training and validation
 * {@link WindowSet}s, with a {@link DatasetSummary} and a {@link DatasetManifest} for the run folder.
 *
 * <pre>{@code
 * TrainingDataset data = TrainingDataset.build(files, DatasetOptions.of(8192).withValidation(0.1, 7), progress);
 * for (Iterator<TokenBatch> it = data.train().epoch(batchSize, seed, epoch); it.hasNext(); ) { ... }
 * data.manifest().write(runDir.resolve("data-manifest.json"));
 * }</pre>
 */
public final class TrainingDataset {

    private final Corpus corpus;
    private final DatasetOptions options;
    private final WindowSet train;
    private final WindowSet validation;
    private final DatasetSummary summary;
    private final List<String> validationIds;

    private TrainingDataset(Corpus corpus, DatasetOptions options) {
        this(corpus, options, RecordSplit.validationRecords(corpus, options.validationFraction(), options.splitSeed()),
                null, BlockHoldOut.plan(corpus, options.validationFraction(), options.splitSeed(),
                        options.basesPerWindow()));
    }

    private TrainingDataset(Corpus corpus, DatasetOptions options, boolean[] held, String validationNote) {
        this(corpus, options, held, validationNote, null);
    }

    private TrainingDataset(Corpus corpus, DatasetOptions options, boolean[] held, String validationNote,
                            BlockHoldOut blocks) {
        this.corpus = corpus;
        this.options = options;
        WindowPlanner.Plan plan = WindowPlanner.plan(corpus, options, held, blocks);
        this.train = new WindowSet(corpus, options, plan.train());
        this.validation = new WindowSet(corpus, options, plan.validation());
        int heldRecords = 0;
        long trainBases = 0;
        long heldBases = 0;
        List<String> ids = new ArrayList<>();
        for (int r = 0; r < corpus.size(); r++) {
            if (held[r]) {
                heldRecords++;
                heldBases += corpus.length(r);
                ids.add(corpus.id(r) + "@" + corpus.source(r));
            } else {
                trainBases += corpus.length(r);
            }
        }
        if (blocks != null) {
            int r = blocks.record();
            heldBases = blocks.heldBases();
            trainBases -= heldBases;
            ids.add(corpus.id(r) + "@" + corpus.source(r) + " " + blocks.blocks().stream()
                    .map(x -> x[0] + "-" + x[1]).collect(java.util.stream.Collectors.joining(",")));
        }
        this.validationIds = ids;
        List<String> notes = new ArrayList<>();
        if (validationNote != null) {
            notes.add(validationNote);
        }
        if (blocks != null) {
            notes.add(blocks.describe(corpus.id(blocks.record()), corpus.length(blocks.record())));
        } else if (options.validationFraction() > 0 && heldRecords == 0) {
            notes.add("no validation set: a single record too short to hold out a block with a window's gap on "
                    + "each side; add a second record or a separate validation file");
        } else if (options.validationFraction() > 0) {
            double actual = heldBases / (double) corpus.totalBases();
            if (Math.abs(actual - options.validationFraction()) > 0.05) {
                notes.add(String.format("validation holds %.1f %% of the bases (asked for %.1f %%): records are"
                        + " kept whole", 100 * actual, 100 * options.validationFraction()));
            }
        }
        if (train.size() == 0) {
            notes.add("no training windows: every window was held out or dropped by the N filter");
        }
        this.summary = new DatasetSummary(corpus.size(), corpus.size() - heldRecords, heldRecords, trainBases,
                heldBases, train.size(), validation.size(), train.totalTokens(), validation.totalTokens(),
                plan.droppedForN(), plan.shortWindows(), options.windowTokens(), notes);
    }

    /** Reads the files (streaming, with progress and cancellation) and builds the windows. */
    public static TrainingDataset build(List<Path> files, DatasetOptions options, ReadProgress progress)
            throws IOException, SequenceFormatException {
        return new TrainingDataset(Corpus.read(files, progress), options);
    }

    /**
     * Reads training files and separate validation files: every record of the validation files is held out, and no
     * record of the training files. The options' validation fraction is not used (the manifest records 0) and the
     * manifest lists the training files first, then the validation files.
     */
    public static TrainingDataset build(List<Path> trainFiles, List<Path> validationFiles, DatasetOptions options,
                                        ReadProgress progress) throws IOException, SequenceFormatException {
        if (validationFiles.isEmpty()) {
            return build(trainFiles, options, progress);
        }
        List<Path> all = new ArrayList<>(trainFiles);
        all.addAll(validationFiles);
        Corpus corpus = Corpus.read(all, progress);
        boolean[] held = new boolean[corpus.size()];
        int trainRecords = 0;
        for (int i = 0; i < trainFiles.size(); i++) {
            trainRecords += corpus.files().get(i).records();
        }
        java.util.Arrays.fill(held, trainRecords, held.length, true);
        DatasetOptions recorded = options.withValidation(0, options.splitSeed());
        return new TrainingDataset(corpus, recorded, held, "validation records come from " + validationFiles.size()
                + (validationFiles.size() == 1 ? " separate file" : " separate files"));
    }

    /** Builds the windows over a corpus already read. */
    public static TrainingDataset build(Corpus corpus, DatasetOptions options) {
        return new TrainingDataset(corpus, options);
    }

    /**
     * Builds the windows over a corpus already read, with the validation records chosen by the caller:
     * {@code heldOut[r]} holds record r out. The options' validation fraction is not used (the manifest records 0).
     *
     * @throws IllegalArgumentException when {@code heldOut} does not have one entry per record
     */
    public static TrainingDataset build(Corpus corpus, DatasetOptions options, boolean[] heldOut) {
        if (heldOut.length != corpus.size()) {
            throw new IllegalArgumentException("validation choice has " + heldOut.length + " entries for "
                    + corpus.size() + " records");
        }
        int held = 0;
        for (boolean h : heldOut) {
            held += h ? 1 : 0;
        }
        return new TrainingDataset(corpus, options.withValidation(0, options.splitSeed()), heldOut.clone(),
                held + (held == 1 ? " record" : " records") + " chosen for validation");
    }

    public Corpus corpus() {
        return corpus;
    }

    public DatasetOptions options() {
        return options;
    }

    public WindowSet train() {
        return train;
    }

    public WindowSet validation() {
        return validation;
    }

    public DatasetSummary summary() {
        return summary;
    }

    public DatasetManifest manifest() {
        return new DatasetManifest(corpus.files(), options, validationIds, summary);
    }
}
