package org.evo2wb.app.ui.finetune;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javafx.scene.Node;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.models.AvailableDevices;
import org.evo2wb.app.models.LoadModelTask;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.models.ModelSource;
import org.evo2wb.app.ui.AppServices;
import org.evo2wb.app.ui.finetune.FineTuneViewModel.DiffRow;
import org.evo2wb.engine.finetune.FineTuneInputs;
import org.evo2wb.engine.load.ModelSpec;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.FineTuneRun;
import org.evo2wb.engine.bionemo.BioNeMoExportTask;
import org.evo2wb.engine.bionemo.StartingModel;
import org.evo2wb.engine.train.StepMetrics;
import org.evo2wb.engine.train.TrainingResult;
import org.evo2wb.engine.train.data.RecordSelection;
import org.evo2wb.engine.train.run.RunCurves;
import org.evo2wb.engine.train.run.RunHistory;
import org.evo2wb.engine.train.run.RunSummary;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.Preset;

/**
 * The Fine-tune view: settings generated from the engine's declarations (with presets, defaults that follow the
 * other settings, and every problem shown at its field), training data ticked from the records open in Data (whole
 * records or one feature type, validation split by seed or chosen), a preview of the windows and a memory estimate
 * before launch; Start, Stop and Resume; live charts and a log while a run goes; and the history of the runs folder,
 * where runs are compared (curves overlaid, settings that differ) and a finished run's model is loaded for scoring.
 *
 * <p>Threading: the run reports to a {@link MetricsBuffer}; the task monitor's 250 ms tick drains it into the charts
 * (one redraw per chart per tick). Nothing here waits for the engine on the FX thread.
 */
public final class FineTuneController {

    /** Lines kept in the log pane. */
    static final int LOG_LINES = 2000;

    private final AppServices services;
    private final FineTuneViewModel model = new FineTuneViewModel();
    private final SettingsEditor settings;
    private final DataChoice data;
    private final TrainingCharts live = new TrainingCharts("live");
    private final TrainingCharts compare = new TrainingCharts("compare");
    private final String appVersion;
    private final Node view;
    private Consumer<String> showView = v -> { };
    private FineTuneSessionTask running;
    private MetricsBuffer buffer;
    private DataPreviewTask preview;
    private DataPreviewTask.Preview lastPreview;
    private boolean previewDirty;
    private long compareRequest;

    public FineTuneController(AppServices services) {
        this(services, defaultRunsFolder(), appVersion());
    }

    public FineTuneController(AppServices services, Path runsFolder, String appVersion) {
        this.services = services;
        this.appVersion = appVersion;
        model.runsFolderProperty().set(runsFolder);
        this.settings = new SettingsEditor(model, this::changed);
        this.data = new DataChoice(services.workspace().records(), model, this::changed);
        services.workspace().currentModelProperty().addListener((obs, old, m) -> changed());
        services.workspace().devicesProperty().addListener((obs, old, d) -> changed());
        model.selectedRuns().addListener((javafx.collections.ListChangeListener<RunSummary>) c -> compareSelected());
        this.view = new FineTuneViewBuilder(model, new FineTuneViewBuilder.Actions(this::start, this::stop,
                this::resumeLast, this::resumeSelected, this::scoreSelected, this::chooseRunsFolder,
                this::refreshHistory, settings::reset, settings::resetAll, this::exportBioNeMo), live, compare,
                new SettingsForm(model, settings::reset)).build();
        changed();
        refreshHistory();
    }

    /** {@code -Devo2wb.runs=DIR}, else {@code ~/.evo2wb/runs}. */
    static Path defaultRunsFolder() {
        String p = System.getProperty("evo2wb.runs");
        return p == null || p.isBlank() ? RunHistory.defaultFolder() : Path.of(p);
    }

    private static String appVersion() {
        try (var in = FineTuneController.class.getResourceAsStream("/org/evo2wb/app/version.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    public Node view() {
        return view;
    }

    public FineTuneViewModel model() {
        return model;
    }

    /** Where "Score with this model" sends the user ({@code Workbench::show}). */
    public void onShowView(Consumer<String> show) {
        this.showView = show;
    }

    /** The session running now, or null (FX thread). */
    FineTuneSessionTask running() {
        return running;
    }

    TrainingCharts liveCharts() {
        return live;
    }

    TrainingCharts compareCharts() {
        return compare;
    }

    // ---- settings and data ---------------------------------------------------------------------------------

    /** Types into a setting's field, as the user would. */
    public void type(String name, String text) {
        settings.type(name, text);
    }

    public void preset(Preset p) {
        model.presetProperty().set(p);
    }

    /** Ticks exactly these records for training. */
    public void chooseRecords(List<LoadedRecord> records) {
        data.choose(records);
    }

    /** The settings in the form when valid, else null. */
    public FineTuneSettings settings() {
        return settings.valid();
    }

    /** Something changed: estimates, the command line, the data preview and whether Start is possible. */
    private void changed() {
        if (settings == null || data == null) {
            return;                                      // still constructing
        }
        LoadedModel m = services.workspace().currentModel();
        model.modelNameProperty().set(m == null ? "No model loaded: load one in the Models view" : m.name());
        FineTuneSettings s = settings.valid();
        memory(m, s);
        model.commandPreviewProperty().set(CommandLine.of(m, data.selection(), s == null ? settings.current() : s,
                model.runsFolderProperty().get(), data.chosen() == model.records().size()));
        previewDirty = true;
        runPreview();
        updateStart();
    }

    private void memory(LoadedModel m, FineTuneSettings s) {
        if (m == null || s == null) {
            model.memoryProperty().set(m == null ? "Memory: load a model to estimate it." : "Memory: fix the "
                    + "settings to estimate it.");
            model.memoryWarningProperty().set(false);
            return;
        }
        MemoryLine line = MemoryLine.of(m.inspection().config(), s, m.device(),
                services.workspace().devicesProperty().get());
        model.memoryProperty().set(line.text());
        model.memoryWarningProperty().set(line.warning());
    }

    private void runPreview() {
        if (preview != null || !previewDirty) {
            return;
        }
        previewDirty = false;
        if (data.chosen() == 0) {
            lastPreview = null;
            model.dataSummaryProperty().set(model.records().isEmpty()
                    ? "No sequences are open: open FASTA, GenBank or EMBL files in the Data view."
                    : "Tick the records to train on.");
            model.dataUsableProperty().set(false);
            updateStart();
            return;
        }
        FineTuneSettings s = settings.valid() != null ? settings.valid() : null;
        if (s == null) {
            model.dataSummaryProperty().set("The data preview follows once the settings are valid.");
            return;
        }
        DataPreviewTask t = new DataPreviewTask(data.selection(), data.sources(), s);
        preview = t;
        model.dataSummaryProperty().set("Cutting the records into windows …");
        services.tasks().submit(t, x -> { }, done -> {
            preview = null;
            if (done.status() == TaskStatus.FINISHED) {
                lastPreview = done.result().join();
                model.dataSummaryProperty().set(lastPreview.text());
                model.dataUsableProperty().set(lastPreview.usable());
            } else if (done.status() == TaskStatus.FAILED) {
                lastPreview = null;
                model.dataSummaryProperty().set("Could not cut the records into windows: " + done.message());
                model.dataUsableProperty().set(false);
            }
            updateStart();
            runPreview();
        });
    }

    private void updateStart() {
        LoadedModel m = services.workspace().currentModel();
        String hint;
        boolean ok = false;
        if (running != null) {
            hint = "A run is in progress.";
        } else if (m == null) {
            hint = "Load a model in the Models view first: runs start from the current model.";
        } else if (m.source().kind() == ModelSource.Kind.RUN) {
            hint = "The current model is a fine-tuned one; make its starting model current to fine-tune again.";
        } else if (!model.settingsValidProperty().get()) {
            int n = model.problems().size();
            hint = n == 1 ? "Fix the problem marked in red." : "Fix the " + n + " problems marked in red.";
        } else if (data.chosen() == 0) {
            hint = "Tick the records to train on (open them in the Data view first).";
        } else if (lastPreview != null && !lastPreview.usable()) {
            hint = "This data cannot be trained on (see above).";
        } else {
            ok = true;
            hint = "Starts a new run in " + model.runsFolderProperty().get() + ".";
        }
        model.canStartProperty().set(ok);
        model.startHintProperty().set(hint);
    }

    // ---- run -----------------------------------------------------------------------------------------------

    /** Starts a new run with the form's settings and data; returns its task, or null when Start is disabled. */
    public FineTuneSessionTask start() {
        updateStart();
        if (!model.canStartProperty().get()) {
            return null;
        }
        LoadedModel m = services.workspace().currentModel();
        FineTuneSettings s = settings.valid();
        RecordSelection selection = data.selection();
        Path folder = RunHistory.newRunFolder(model.runsFolderProperty().get(), s.get(FineTuneParameters.METHOD)
                .key(), Instant.now());
        buffer = new MetricsBuffer();
        FineTuneInputs inputs = FineTuneInputs.of(selection, data.chosen() == model.records().size());
        ModelSpec.Resolved start = new ModelSpec.Resolved(m.source().kind() == ModelSource.Kind.DEFAULT
                ? ModelSpec.Kind.DEFAULT : ModelSpec.Kind.FILE, m.modelName(), m.source().weights(),
                m.inspection().config(), "the loaded model", null, org.evo2wb.engine.checkpoint.Integrity.CHECKED);
        FineTuneSessionTask task = FineTuneSessionTask.newRun(folder, s, inputs, data.sources(), start, buffer,
                appVersion);
        live.startLive(folder.getFileName().toString(), false);
        model.log().clear();
        begin(task, "Starting " + folder.getFileName());
        return task;
    }

    /**
     * Writes the form's settings and data as a BioNeMo job (the engine entry of {@code evo2wb finetune
     * --export-bionemo}) into a new folder inside one the user picks; returns the task, or null when Start is
     * disabled, the model is not one the recipe trains, or no folder was picked.
     */
    public BioNeMoExportTask exportBioNeMo() {
        updateStart();
        if (!model.canStartProperty().get()) {
            return null;
        }
        LoadedModel m = services.workspace().currentModel();
        StartingModel start;
        try {
            start = StartingModel.of(m.source().weights(), m.inspection().config(), false);
        } catch (IllegalArgumentException e) {
            services.dialogs().showError("Cannot export as a BioNeMo job", e.getMessage());
            return null;
        }
        FineTuneSettings s = settings.valid();
        RecordSelection selection = data.selection();
        List<RecordSelection.Source> sources = data.sources();
        Path parent = services.dialogs().chooseFolder("Choose where to write the BioNeMo job",
                model.runsFolderProperty().get()).orElse(null);
        if (parent == null) {
            return null;
        }
        Path folder = RunHistory.newRunFolder(parent, "bionemo-" + s.get(FineTuneParameters.METHOD).key(),
                Instant.now());
        BioNeMoExportTask t = new BioNeMoExportTask(folder, s, () -> selection.build(sources, s), start, appVersion);
        model.statusProperty().set("Exporting the BioNeMo job to " + folder + " …");
        services.tasks().submit(t, x -> { }, done -> {
            if (done.status() == TaskStatus.FINISHED) {
                model.statusProperty().set(done.message() + "; see its README.md");
            } else if (done.status() == TaskStatus.FAILED) {
                model.statusProperty().set("The BioNeMo job was not written.");
                services.dialogs().showError("Could not export the BioNeMo job", done.message());
            } else {
                model.statusProperty().set("BioNeMo export cancelled.");
            }
        });
        return t;
    }

    /** Asks the running run to stop after the current step (it keeps a checkpoint to resume from). */
    public void stop() {
        if (running != null) {
            running.cancel();
            model.statusProperty().set("Stopping after the current step …");
        }
    }

    private void resumeLast() {
        Path p = model.resumableProperty().get();
        if (p != null) {
            resume(p);
        }
    }

    private void resumeSelected() {
        if (model.selectedRuns().size() == 1) {
            resume(model.selectedRuns().get(0).folder());
        }
    }

    /** Continues a stopped run from its newest checkpoint; returns the task, or null when one is running. */
    public FineTuneSessionTask resume(Path folder) {
        if (running != null) {
            return null;
        }
        try {
            settings.load(FineTuneRun.readSettings(folder));
        } catch (IOException | RuntimeException e) {
            services.dialogs().showError("Cannot resume " + folder.getFileName(), EngineTask.describe(e));
            return null;
        }
        buffer = new MetricsBuffer();
        live.startLive(folder.getFileName().toString(), false);
        try {
            live.appendCurves(RunCurves.read(folder));
        } catch (IOException e) {
            buffer.log("could not read the earlier metrics: " + e.getMessage());
        }
        model.log().clear();
        FineTuneSessionTask task = FineTuneSessionTask.resume(folder, data.sources(), buffer, appVersion);
        begin(task, "Resuming " + folder.getFileName());
        return task;
    }

    private void begin(FineTuneSessionTask task, String status) {
        running = task;
        model.currentRunProperty().set(task.folder());
        model.resumableProperty().set(null);
        model.runningProperty().set(true);
        model.progressProperty().set(-1);
        model.progressTextProperty().set("");
        model.statusProperty().set(status + " …");
        updateStart();
        services.tasks().submit(task, this::tick, this::finished);
    }

    private void tick(FineTuneSessionTask t) {
        drain();
        StepMetrics m = t.lastStep();
        if (m != null) {
            model.progressProperty().set(m.plannedSteps() > 0 ? (double) m.step() / m.plannedSteps() : -1);
            model.progressTextProperty().set(progressText(m));
            model.statusProperty().set("Training " + t.folder().getFileName());
        } else if (!t.message().isBlank()) {
            model.statusProperty().set(capitalise(t.message()) + " …");
        }
    }

    /** Moves everything the run reported since the last tick into the charts and the log. */
    private void drain() {
        if (buffer == null) {
            return;
        }
        MetricsBuffer.Batch b = buffer.drain();
        if (b.isEmpty()) {
            return;
        }
        live.append(b.steps(), b.evaluations());
        if (!b.log().isEmpty()) {
            model.log().addAll(b.log());
            int extra = model.log().size() - LOG_LINES;
            if (extra > 0) {
                model.log().remove(0, extra);
            }
        }
    }

    static String progressText(StepMetrics m) {
        return String.format(Locale.ROOT, "step %,d / %,d · %s elapsed · about %s left · loss %.4f · %,.0f tokens/s",
                m.step(), m.plannedSteps(), clock(m.elapsed()), clock(m.eta()), m.trainLoss(), m.tokensPerSecond());
    }

    /** "step 40 / 120 · 1:20 elapsed · loss 1.2345": the last step of a run that has ended, without a time left. */
    static String endText(StepMetrics m) {
        return String.format(Locale.ROOT, "step %,d / %,d · %s elapsed · loss %.4f", m.step(), m.plannedSteps(),
                clock(m.elapsed()), m.trainLoss());
    }

    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private void finished(FineTuneSessionTask t) {
        drain();
        if (t.lastStep() != null) {
            model.progressTextProperty().set(endText(t.lastStep()));   // nothing is left to wait for
        }
        running = null;
        model.runningProperty().set(false);
        model.progressProperty().set(0);
        Path folder = t.folder();
        if (t.status() == TaskStatus.FINISHED) {
            TrainingResult r = t.result().join();
            model.statusProperty().set(capitalise(r.message()) + ".");
            model.progressProperty().set(1);
        } else if (t.status() == TaskStatus.CANCELLED) {
            model.statusProperty().set((t.lastStep() == null ? "Stopped before the first step"
                    : String.format(Locale.ROOT, "Stopped at step %,d of %,d", t.lastStep().step(),
                    t.lastStep().plannedSteps())) + ". Resume continues from the last checkpoint.");
            model.resumableProperty().set(folder);
        } else {
            Throwable e = t.result().handle((v, x) -> x).join();
            String why = EngineTask.describe(e);
            model.statusProperty().set("Failed: " + why);
            model.log().add("failed: " + why);
            services.dialogs().showError("Fine-tuning stopped", why);
            if (RunSummary.read(folder).resumable()) {
                model.resumableProperty().set(folder);
            }
        }
        updateStart();
        refreshHistory();
    }

    // ---- history -------------------------------------------------------------------------------------------

    /** Re-reads the runs folder in the background. */
    public void refreshHistory() {
        Path dir = model.runsFolderProperty().get();
        EngineTask<List<RunSummary>> t = new EngineTask<>("List the runs in " + dir.getFileName()) {
            @Override
            protected List<RunSummary> call() throws Exception {
                return RunHistory.list(dir);
            }
        };
        services.tasks().submit(t, x -> { }, done -> {
            if (done.status() == TaskStatus.FINISHED) {
                List<Path> selected = model.selectedRuns().stream().map(RunSummary::folder).toList();
                model.runs().setAll(done.result().join());
                model.historyStatusProperty().set(model.runs().size() + (model.runs().size() == 1 ? " run" : " runs")
                        + " in " + dir);
                model.selectedRuns().setAll(model.runs().stream().filter(r -> selected.contains(r.folder())).toList());
            } else if (done.status() == TaskStatus.FAILED) {
                model.historyStatusProperty().set("Could not list " + dir + ": " + done.message());
            }
        });
    }

    /** Uses another runs folder (and lists it). */
    public void setRunsFolder(Path folder) {
        model.runsFolderProperty().set(folder);
        model.selectedRuns().clear();
        refreshHistory();
        changed();
    }

    private void chooseRunsFolder() {
        services.dialogs().chooseFolder("Choose the runs folder", model.runsFolderProperty().get())
                .ifPresent(this::setRunsFolder);
    }

    /** Overlays the selected runs' curves and lists the settings that differ (in the background). */
    private void compareSelected() {
        List<RunSummary> runs = List.copyOf(model.selectedRuns());
        long request = ++compareRequest;
        List<DiffRow> rows = new ArrayList<>();
        if (runs.size() >= 2) {
            for (Map.Entry<String, List<String>> e : RunHistory.differences(runs).entrySet()) {
                rows.add(new DiffRow(e.getKey(), e.getValue()));
            }
        }
        model.diff().setAll(rows);
        if (runs.isEmpty()) {
            compare.clear();
            return;
        }
        EngineTask<List<RunCurves>> t = new EngineTask<>("Read the curves of " + runs.size() + " runs") {
            @Override
            protected List<RunCurves> call() throws Exception {
                List<RunCurves> out = new ArrayList<>();
                for (RunSummary r : runs) {
                    out.add(RunCurves.read(r.folder()));
                }
                return out;
            }
        };
        services.tasks().submit(t, x -> { }, done -> {
            if (request != compareRequest) {
                return;                                  // a newer selection replaced this one
            }
            if (done.status() == TaskStatus.FINISHED) {
                compare.compare(runs.stream().map(RunSummary::name).toList(), done.result().join());
            } else if (done.status() == TaskStatus.FAILED) {
                model.historyStatusProperty().set("Could not read the curves: " + done.message());
            }
        });
    }

    private void scoreSelected() {
        if (model.selectedRuns().size() == 1) {
            scoreWith(model.selectedRuns().get(0).folder());
        }
    }

    /**
     * Loads a run's model (best checkpoint, adapters merged) on the device of the current model, adds it to the
     * workspace as the current model and shows the Score view. Returns the task, or null.
     */
    public LoadModelTask scoreWith(Path run) {
        LoadedModel current = services.workspace().currentModel();
        AvailableDevices.Option device = current == null ? AvailableDevices.cpu() : current.device();
        LoadModelTask t = LoadModelTask.ofRun(run, device, current == null ? Precision.FP32 : current.precision());
        model.historyStatusProperty().set("Loading the model of " + run.getFileName() + " …");
        services.tasks().submit(t, x -> { }, done -> {
            if (done.status() == TaskStatus.FINISHED) {
                LoadedModel m = done.result().join();
                services.workspace().models().add(m);
                services.workspace().currentModelProperty().set(m);
                model.historyStatusProperty().set(m.name() + " is the current model.");
                showView.accept("Score");
            } else if (done.status() == TaskStatus.FAILED) {
                model.historyStatusProperty().set("Could not load the model of " + run.getFileName() + ".");
                services.dialogs().showError("Could not load the fine-tuned model", done.message());
            }
        });
        return t;
    }
}
