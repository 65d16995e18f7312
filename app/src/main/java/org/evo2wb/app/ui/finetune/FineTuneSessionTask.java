package org.evo2wb.app.ui.finetune;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.engine.config.Evo2Config;
import org.evo2wb.engine.config.Evo2ConfigJson;
import org.evo2wb.engine.finetune.FineTuneLauncher;
import org.evo2wb.engine.io.Sha256;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.FineTuneRun;
import org.evo2wb.engine.train.FineTuneTask;
import org.evo2wb.engine.train.StepMetrics;
import org.evo2wb.engine.train.TrainableStripedHyena;
import org.evo2wb.engine.train.TrainingListener;
import org.evo2wb.engine.train.TrainingResult;
import org.evo2wb.engine.train.data.RecordSelection.Source;
import org.evo2wb.engine.train.data.RecordSelection;
import org.evo2wb.engine.train.data.TrainingData;
import org.evo2wb.engine.train.parallel.TrainingDevices;
import org.evo2wb.engine.train.run.FineTunedModel;
import org.evo2wb.engine.train.run.ModelDescription;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * One fine-tuning session in the background: loads its own copy of the starting model on the device the settings
 * name (the workspace's model keeps serving the other views and is never changed), cuts the chosen records into
 * windows, records the choice in the run folder, and runs the engine's training loop on this thread. Cancelling stops
 * the loop within one step; a resumed session continues a stopped run from its newest checkpoint with the recorded
 * settings and data.
 */
final class FineTuneSessionTask extends EngineTask<TrainingResult> {

    /** The starting model: its weights file, config and a name for the run record. */
    record StartModel(Path weights, Evo2Config config, String name) {}

    private final Path folder;
    private final boolean resume;
    private final FineTuneSettings settings;
    private final RecordSelection selection;
    private final List<Source> open;
    private final StartModel start;
    private final MetricsBuffer buffer;
    private final String appVersion;
    private volatile FineTuneTask inner;
    private volatile StepMetrics last;

    private FineTuneSessionTask(String title, Path folder, boolean resume, FineTuneSettings settings,
                                RecordSelection selection, List<Source> open, StartModel start, MetricsBuffer buffer,
                                String appVersion) {
        super(title);
        this.folder = folder;
        this.resume = resume;
        this.settings = settings;
        this.selection = selection;
        this.open = List.copyOf(open);
        this.start = start;
        this.buffer = buffer;
        this.appVersion = appVersion;
    }

    /** A new run in {@code folder} (which must not exist yet or be empty). */
    static FineTuneSessionTask newRun(Path folder, FineTuneSettings settings, RecordSelection selection,
                                      List<Source> open, StartModel start, MetricsBuffer buffer, String appVersion) {
        return new FineTuneSessionTask("Fine-tune " + folder.getFileName(), folder, false, settings, selection, open,
                start, buffer, appVersion);
    }

    /**
     * Continues the run in {@code folder}; its settings, data selection and starting model are read from it. The
     * records come from {@code open} when they are open, else from the recorded files.
     */
    static FineTuneSessionTask resume(Path folder, List<Source> open, MetricsBuffer buffer, String appVersion) {
        return new FineTuneSessionTask("Resume " + folder.getFileName(), folder, true, null, null, open, null,
                buffer, appVersion);
    }

    Path folder() {
        return folder;
    }

    /** The newest step reported (any thread), or null before the first. */
    StepMetrics lastStep() {
        return last;
    }

    @Override
    public void cancel() {
        super.cancel();
        FineTuneTask t = inner;
        if (t != null) {
            t.cancel();
        }
    }

    @Override
    protected TrainingResult call() throws Exception {
        progress(0, -1);
        FineTuneSettings s = resume ? FineTuneRun.readSettings(folder) : settings;
        RecordSelection sel = resume ? RecordSelection.read(folder) : selection;
        List<Source> sources = open;
        if (resume && !allOpen(sel, sources)) {
            message("reading the run's sequence files again");
            buffer.log("the run's records are not all open: reading its files again");
            sources = RecordSelection.readSources(folder, new ReadProgress() {
                @Override
                public void update(long bytesRead, long totalBytes, int records) {
                }

                @Override
                public boolean isCancelled() {
                    return isCancelRequested();
                }
            });
        }
        message("cutting the sequences into windows");
        TrainingData data = sel.build(sources, s);
        checkCancelled();

        ModelDescription description;
        Evo2Config config;
        Path weights;
        if (resume) {
            description = FineTunedModel.description(folder);
            config = FineTunedModel.config(folder);
            weights = Path.of(description.sourceCheckpoint());
        } else {
            message("computing the checksum of " + start.weights().getFileName());
            buffer.log("starting model " + start.name() + " (" + start.weights() + ")");
            description = ModelDescription.of(start.name(), start.config(), start.weights());
            config = start.config();
            weights = start.weights();
            sel.write(folder);
        }
        checkCancelled();
        TrainingDevices.Choice choice = TrainingDevices.choose(s.get(FineTuneParameters.DEVICE));
        if (!choice.note().isEmpty()) {
            buffer.log(choice.note());
        }
        Device device = FineTuneLauncher.device(s);
        Precision precision = s.get(FineTuneParameters.PRECISION);
        message("loading " + weights.getFileName() + " on " + device);
        buffer.log(String.format(Locale.ROOT, "loading %s on %s (%s); %d training and %d validation windows",
                weights.getFileName(), device, precision.name().toLowerCase(Locale.ROOT), data.train().size(),
                data.validation().size()));
        try (StripedHyena net = StripedHyena.load(weights, config, device, precision,
                TrainableStripedHyena.masterWeights(s))) {
            checkCancelled();
            TrainableStripedHyena model = TrainableStripedHyena.prepare(net, s);
            FineTuneRun.Builder b = resume ? FineTuneRun.resume(folder) : FineTuneRun.newRun(folder, s);
            FineTuneTask task = b.model(model, description).data(data.train(), data.validation(), data.manifest())
                    .listener(buffer).listener(new TrainingListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            last = m;
                            progress(m.step(), m.plannedSteps());
                            message(String.format(Locale.ROOT, "step %d of %d, loss %.4f", m.step(), m.plannedSteps(),
                                    m.trainLoss()));
                        }
                    }).appVersion(appVersion).build().task();
            inner = task;
            if (isCancelRequested()) {
                task.cancel();
            }
            task.run();
            if (task.status() == TaskStatus.CANCELLED) {
                throw new CancellationException(task.message());
            }
            if (task.status() == TaskStatus.FAILED) {
                Throwable e = task.result().handle((v, t) -> t).join();
                throw e instanceof Exception ex ? ex : new RuntimeException(e);
            }
            return task.result().join();
        }
    }

    private static boolean allOpen(RecordSelection sel, List<Source> open) {
        java.util.Set<RecordSelection.RecordRef> refs = new java.util.HashSet<>();
        open.forEach(o -> refs.add(o.ref()));
        return refs.containsAll(sel.records())
                && (sel.validationRecords() == null || refs.containsAll(sel.validationRecords()));
    }
}
