package org.evo2wb.engine.bionemo;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.data.TrainingData;

/**
 * Exports a BioNeMo job in the background: reads and cuts the data with the settings (as a local run would), then
 * writes the job folder ({@link BioNeMoJob#export}). Cancelling stops between windows and leaves no folder.
 */
public final class BioNeMoExportTask extends EngineTask<BioNeMoJob.Result> {

    private final Path folder;
    private final FineTuneSettings settings;
    private final Callable<TrainingData> data;
    private final StartingModel model;
    private final String appVersion;

    /**
     * @param data builds the windows from the user's data choice with {@code settings} (the same selection a local
     *             run would train on)
     */
    public BioNeMoExportTask(Path folder, FineTuneSettings settings, Callable<TrainingData> data, StartingModel model,
                             String appVersion) {
        super("Export as BioNeMo job");
        this.folder = folder;
        this.settings = settings;
        this.data = data;
        this.model = model;
        this.appVersion = appVersion;
    }

    @Override
    protected BioNeMoJob.Result call() throws Exception {
        message("Reading and cutting the sequences …");
        TrainingData d = data.call();
        checkCancelled();
        message("Writing " + folder.getFileName() + " …");
        BioNeMoJob.Result r = BioNeMoJob.export(folder, settings, d, model, appVersion, this::isCancelRequested);
        message(String.format(java.util.Locale.ROOT, "BioNeMo job written to %s: %,d training and %,d validation "
                + "windows", folder, r.trainWindows(), r.validationWindows()));
        return r;
    }
}
