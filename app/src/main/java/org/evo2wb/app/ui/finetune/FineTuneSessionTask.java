package org.evo2wb.app.ui.finetune;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import org.evo2wb.bio.ReadProgress;
import org.evo2wb.engine.finetune.FineTuneInputs;
import org.evo2wb.engine.finetune.FineTuneLauncher;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.FineTuneRun;
import org.evo2wb.engine.train.FineTuneTask;
import org.evo2wb.engine.train.StepMetrics;
import org.evo2wb.engine.train.TrainingListener;
import org.evo2wb.engine.train.TrainingResult;
import org.evo2wb.engine.train.data.RecordSelection.Source;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * One fine-tuning session in the background, a thin adapter of the engine's run entry ({@link FineTuneLauncher}, the
 * same as {@code evo2wb finetune}): the launcher loads its own copy of the starting model on the device the settings
 * name (the workspace's model keeps serving the other views and is never changed), cuts the chosen records into
 * windows and records the inputs in the run folder; this task then runs the training loop on its thread and reports
 * its steps. Cancelling stops the loop within one step; a resumed session continues a stopped run — begun here or on
 * the command line — from its newest checkpoint with the recorded settings and data.
 */
final class FineTuneSessionTask extends EngineTask<TrainingResult> {

    private final Path folder;
    private final boolean resume;
    private final FineTuneSettings settings;
    private final FineTuneInputs inputs;
    private final List<Source> open;
    private final ModelSpec.Resolved start;
    private final MetricsBuffer buffer;
    private final String appVersion;
    private volatile FineTuneTask inner;
    private volatile StepMetrics last;
    private volatile org.evo2wb.engine.model.StripedHyena model;
    private volatile int tensorsAfterStep = -1;

    private FineTuneSessionTask(String title, Path folder, boolean resume, FineTuneSettings settings,
                                FineTuneInputs inputs, List<Source> open, ModelSpec.Resolved start,
                                MetricsBuffer buffer, String appVersion) {
        super(title);
        this.folder = folder;
        this.resume = resume;
        this.settings = settings;
        this.inputs = inputs;
        this.open = List.copyOf(open);
        this.start = start;
        this.buffer = buffer;
        this.appVersion = appVersion;
    }

    /** A new run in {@code folder} (which must not exist yet or be empty). */
    static FineTuneSessionTask newRun(Path folder, FineTuneSettings settings, FineTuneInputs inputs,
                                      List<Source> open, ModelSpec.Resolved start, MetricsBuffer buffer,
                                      String appVersion) {
        return new FineTuneSessionTask("Fine-tune " + folder.getFileName(), folder, false, settings, inputs, open,
                start, buffer, appVersion);
    }

    /**
     * Continues the run in {@code folder}; its settings, data and starting model are read from it. The records come
     * from {@code open} when they are open, else from the recorded files.
     */
    static FineTuneSessionTask resume(Path folder, List<Source> open, MetricsBuffer buffer, String appVersion) {
        return new FineTuneSessionTask("Resume " + folder.getFileName(), folder, true, null, null, open, null,
                buffer, appVersion);
    }

    Path folder() {
        return folder;
    }

    /**
     * Tensors alive in the trained model's manager tree (weights, adapters, optimiser state) as the newest step
     * ended, its temporaries freed; -1 before the first step. The same at every step when no step keeps anything.
     */
    int tensorsAfterStep() {
        return tensorsAfterStep;
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
        ReadProgress reading = new ReadProgress() {
            @Override
            public void update(long bytesRead, long totalBytes, int records) {
            }

            @Override
            public boolean isCancelled() {
                return isCancelRequested();
            }
        };
        List<TrainingListener> listeners = List.of(buffer, new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                var trained = model;
                tensorsAfterStep = trained == null ? -1 : trained.manager().getManagedArrays().size();
                last = m;
                progress(m.step(), m.plannedSteps());
                message(String.format(Locale.ROOT, "step %d of %d, loss %.4f", m.step(), m.plannedSteps(),
                        m.trainLoss()));
            }
        });
        if (!resume) {
            buffer.log("starting model " + start.name() + " (" + start.weights() + ")");
        }
        message("cutting the sequences into windows and loading the model");
        try (FineTuneLauncher.Prepared p = resume
                ? FineTuneLauncher.resume(folder, null, null, open, listeners, reading, appVersion)
                : FineTuneLauncher.newRun(folder, s, start, inputs, open, listeners, reading, appVersion)) {
            model = p.model();
            checkCancelled();
            if (!p.choice().note().isEmpty()) {
                buffer.log(p.choice().note());
            }
            buffer.log(String.format(Locale.ROOT, "model loaded on %s (%s); %d training and %d validation windows",
                    p.device(), p.choice().precision().name().toLowerCase(Locale.ROOT),
                    p.data().train().size(), p.data().validation().size()));
            FineTuneTask task = p.run().task();
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
        } finally {
            model = null;
        }
    }
}
