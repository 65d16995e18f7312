package org.evo2wb.app.ui.finetune;

import java.util.List;
import java.util.Locale;
import org.evo2wb.bio.dataset.DatasetSummary;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.train.TrainingPlan;
import org.evo2wb.engine.train.data.RecordSelection.Source;
import org.evo2wb.engine.train.data.RecordSelection;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.InvalidSettingsException;

/**
 * Cuts the chosen records into windows with the settings, in the background, to show before a run what it will
 * train on: sequences and bases of each side of the split, windows, tokens, steps per epoch and planned steps.
 */
final class DataPreviewTask extends EngineTask<DataPreviewTask.Preview> {

    /**
     * @param text    a few lines for the user
     * @param usable  false when the selection cannot be trained on (the text says why)
     * @param summary the counts, or null when not usable
     */
    record Preview(String text, boolean usable, DatasetSummary summary) {}

    private final RecordSelection selection;
    private final List<Source> sources;
    private final FineTuneSettings settings;

    DataPreviewTask(RecordSelection selection, List<Source> sources, FineTuneSettings settings) {
        super("Preview the training data");
        this.selection = selection;
        this.sources = sources;
        this.settings = settings;
    }

    @Override
    protected Preview call() {
        TrainingData data;
        try {
            data = selection.build(sources, settings);
        } catch (IllegalArgumentException e) {
            return new Preview("Cannot train on this choice: " + e.getMessage() + ".", false, null);
        }
        checkCancelled();
        DatasetSummary s = data.dataset().summary();
        int batch = settings.get(FineTuneParameters.BATCH_SIZE);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%,d %s for training (%,d bp), %,d for validation (%,d bp)%n",
                s.trainRecords(), s.trainRecords() == 1 ? "sequence" : "sequences", s.trainBases(),
                s.validationRecords(), s.validationBases()));
        b.append(String.format(Locale.ROOT, "%,d training windows (%,d tokens), %,d validation windows (%,d tokens)%n",
                s.trainWindows(), s.trainTokens(), s.validationWindows(), s.validationTokens()));
        boolean usable = s.trainWindows() > 0;
        try {
            TrainingPlan plan = TrainingPlan.resolve(settings, s.trainWindows(), s.validationWindows());
            b.append(String.format(Locale.ROOT, "%,d steps per epoch at batch size %d → %,d planned steps%s",
                    s.stepsPerEpoch(batch), batch, plan.plannedSteps(), plan.epochs() > 0
                            ? " (" + plan.epochs() + (plan.epochs() == 1 ? " epoch)" : " epochs)") : ""));
        } catch (InvalidSettingsException e) {
            usable = false;
            b.append(e.problems().get(0).message());
        }
        if (s.droppedWindows() > 0) {
            b.append(String.format(Locale.ROOT, "%n%,d windows left out by the N filter", s.droppedWindows()));
        }
        for (String note : s.notes()) {
            b.append("\nNote: ").append(note);
        }
        if (s.trainWindows() == 0) {
            b.append("\nNo training windows: choose more records or hold fewer out.");
        }
        return new Preview(b.toString(), usable, s);
    }
}
