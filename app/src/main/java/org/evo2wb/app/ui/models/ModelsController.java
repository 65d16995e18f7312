package org.evo2wb.app.ui.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.scene.Node;
import org.evo2wb.app.models.AvailableDevices;
import org.evo2wb.app.models.InspectModelTask;
import org.evo2wb.app.models.LoadModelTask;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.models.ModelInspection;
import org.evo2wb.app.models.ModelSource;
import org.evo2wb.app.models.OpenModelTask;
import org.evo2wb.app.ui.AppServices;
import org.evo2wb.app.ui.DialogService.FileFilter;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.load.DefaultModel;
import org.evo2wb.engine.score.SelfTest;
import org.evo2wb.engine.score.SelfTestTask;
import org.evo2wb.engine.task.EngineTask;
import org.evo2wb.engine.task.TaskStatus;
import org.evo2wb.engine.train.run.RunHistory;

/**
 * The Models view: list model files (the bundled default model and opened checkpoints), read the selected one with
 * a chosen or inferred config and show its figures, load it on a device in a precision (in the background), make
 * it the workspace's current model, unload it, and run its self-test.
 *
 * <p>Fine-tuned models join the list through {@link #addSource(ModelSource)} (see
 * {@link ModelSource#fromRunFolder(Path)}).
 */
public final class ModelsController {

    static final FileFilter WEIGHTS = FileFilter.of("Evo 2 weights (.pt, .pt.part0, .safetensors)", "*.pt",
            "*.pt.part*", "*.safetensors");
    static final FileFilter YAML = FileFilter.of("Evo 2 config (YAML)", "*.yml", "*.yaml");

    private final AppServices services;
    private final ModelsModel model;
    private final Node view;
    private InspectModelTask inspecting;
    private LoadModelTask loading;
    private SelfTestTask selfTest;
    /** Load the bundled default model as soon as it has been read (system property {@value #AUTOLOAD}). */
    private boolean autoLoadDefault;

    /** System property: {@code false} keeps the bundled default model from loading at start. */
    public static final String AUTOLOAD = "evo2wb.loadDefaultModel";

    public ModelsController(AppServices services) {
        this.services = services;
        this.model = new ModelsModel(services.workspace());
        model.configChoices().add(ModelInspection.ConfigChoice.AUTOMATIC);
        Evo2Config.PRESETS.forEach(p -> model.configChoices().add(ModelInspection.ConfigChoice.preset(p)));
        findDefaultModel();
        model.devices().setAll(List.of(AvailableDevices.cpu()));
        model.deviceProperty().addListener((obs, old, d) -> devicePrecisions(d));
        model.deviceProperty().set(model.devices().get(0));
        model.selectedSourceProperty().addListener((obs, old, s) -> inspect());
        model.configChoiceProperty().addListener((obs, old, c) -> inspect());
        model.selectedLoadedProperty().addListener((obs, old, m) -> {
            model.selfTestReportProperty().set(null);
            model.selfTestTextProperty().set(m == null || m.source().selfTest() != null ? ""
                    : "No self-test file (selftest.tsv) lies next to " + m.source().weights().getFileName() + ".");
        });
        this.view = new ModelsViewBuilder(model, new ModelsViewBuilder.Actions(this::openWithDialog, this::openRunWithDialog,
                this::chooseConfigFile, this::load, this::cancelLoad, this::makeCurrent, this::unload,
                this::selfTest, this::showGetModels)).build();
        findDownloadedModels();
        model.statusProperty().set(model.sources().isEmpty() ? "Open an Evo 2 checkpoint (.pt, .pt.part0 or "
                + ".safetensors) to see its size, layout and memory needs." : "");
        if (!model.sources().isEmpty()) {
            model.selectedSourceProperty().set(model.sources().get(0));
        }
        detectDevices();
    }

    public Node view() {
        return view;
    }

    private GetModelsController getModels;
    private javafx.stage.Stage getModelsStage;

    /** The Get models… pane (made on first use; its downloads go on while its window is closed). */
    public GetModelsController getModels() {
        if (getModels == null) {
            getModels = new GetModelsController(services, List.copyOf(model.devices()), this::downloaded);
        }
        return getModels;
    }

    /** Opens the Get models… window. */
    void showGetModels() {
        if (getModelsStage == null) {
            getModelsStage = new javafx.stage.Stage();
            getModelsStage.setTitle("Get Evo 2 models");
            getModelsStage.setScene(new javafx.scene.Scene(new javafx.scene.control.ScrollPane(getModels().view()),
                    1100, 700));
            if (view.getScene() != null) {
                getModelsStage.initOwner(view.getScene().getWindow());
                getModelsStage.getScene().getStylesheets().setAll(view.getScene().getStylesheets());
            }
        }
        getModelsStage.show();
        getModelsStage.toFront();
    }

    /** A finished download: listed and selected, its config preset beside it. */
    private void downloaded(Path checkpoint) {
        open(checkpoint, null, s -> model.statusProperty().set("Downloaded " + checkpoint.getFileName()
                + ": press Load to use it."));
    }

    /** Lists the models downloaded earlier (folders of the models folder holding weights), without selecting them. */
    private void findDownloadedModels() {
        Path dir = org.evo2wb.engine.hub.WorkbenchFolders.models();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> folders = Files.list(dir)) {
            for (Path f : folders.filter(Files::isDirectory).sorted().toList()) {
                try (java.util.stream.Stream<Path> files = Files.list(f)) {
                    files.filter(p -> p.getFileName().toString().matches("[^.].*(\\.pt|\\.pt\\.part0|\\.safetensors)"))
                            .sorted().findFirst().ifPresent(p -> model.sources().add(ModelSource.fromCheckpoint(p)));
                }
            }
        } catch (IOException e) {
            // an unreadable models folder: nothing listed from it
        }
    }

    public ModelsModel model() {
        return model;
    }

    private void findDefaultModel() {
        try {
            ModelSource.bundled().ifPresentOrElse(s -> {
                        model.sources().add(0, s);
                        autoLoadDefault = Boolean.parseBoolean(System.getProperty(AUTOLOAD, "true"));
                    },
                    () -> model.defaultModelNoteProperty().set(sentence(DefaultModel.notInstalledMessage())
                            + ". Open a checkpoint file instead."));
        } catch (UncheckedIOException e) {
            model.defaultModelNoteProperty().set(sentence(e.getCause().getMessage()) + ".");
        }
    }

    private static String sentence(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** Asks the engine for GPUs in the background (it loads the PyTorch library); the CPU is listed at once. */
    private void detectDevices() {
        EngineTask<AvailableDevices.Detection> task = new EngineTask<>("Look for GPUs") {
            @Override
            protected AvailableDevices.Detection call() {
                AvailableDevices.Detection found = AvailableDevices.detectWithNote();
                org.evo2wb.app.startup.StartupReport.mark(org.evo2wb.app.startup.StartupReport.PYTORCH_LOADED);
                return found;
            }
        };
        services.tasks().submit(task, t -> { }, t -> {
            if (t.status() == TaskStatus.FINISHED) {
                showDevices(t.result().join());
            }
        });
    }

    /**
     * Lists the devices found. The device chosen so far stays chosen if it is still there and usable; otherwise the
     * CPU is (GPUs that failed the start-up check are listed as not usable, and the note says why).
     */
    void showDevices(AvailableDevices.Detection found) {
        AvailableDevices.Option chosen = model.deviceProperty().get();
        model.devices().setAll(found.devices());
        model.deviceProperty().set(found.devices().stream()
                .filter(d -> d.usable() && chosen != null && d.device().equals(chosen.device())).findFirst()
                .orElse(found.devices().get(0)));
        model.deviceNoteProperty().set(found.note());
        services.workspace().devicesProperty().set(found);
    }

    private void devicePrecisions(AvailableDevices.Option d) {
        if (d == null) {
            return;
        }
        List<AvailableDevices.PrecisionChoice> choices = AvailableDevices.precisions(d);
        model.precisions().setAll(choices);
        model.precisionProperty().set(choices.stream().filter(AvailableDevices.PrecisionChoice::available).findFirst()
                .orElse(choices.get(0)));
        model.precisionNoteProperty().set(!d.usable() ? "" : choices.stream().filter(c -> !c.available())
                .map(c -> c.label() + ": " + c.reason()).collect(Collectors.joining("\n")));
    }

    /** Adds a model source (a fine-tuned model, for example) and selects it. */
    public void addSource(ModelSource source) {
        model.sources().add(source);
        model.selectedSourceProperty().set(source);
    }

    /**
     * Opens a weights file (config and self-test found next to it), a fine-tuning run folder (or its run.json) or a
     * BioNeMo checkpoint folder: lists it and shows its figures. Its files are read in the background
     * ({@link OpenModelTask}); a BioNeMo LoRA folder whose base model is missing asks for it, and a folder that is not
     * a usable run or checkpoint is reported in a dialog.
     */
    public void open(Path weights) {
        open(weights, null, s -> { });
    }

    /** {@link #open(Path)} with the base model chosen for a BioNeMo LoRA folder (or null), then {@code opened}. */
    private void open(Path path, Path base, Consumer<ModelSource> opened) {
        services.tasks().submit(new OpenModelTask(path, base), t -> { }, t -> {
            if (t.status() == TaskStatus.FAILED) {
                Throwable e = failure(t);
                services.dialogs().showError("Cannot open " + (e instanceof OpenModelTask.NotOpened n ? n.what()
                        : "the model"), EngineTask.describe(e));
                return;
            }
            if (t.status() != TaskStatus.FINISHED) {
                return;
            }
            OpenModelTask.Opened o = t.result().join();
            if (o.source() == null) {
                chooseLoraBase(path, o.missingBase()).ifPresent(b -> open(path, b, opened));
                return;
            }
            ModelSource s = o.source();
            ModelSource known = model.sources().stream()
                    .filter(x -> x.weights().equals(s.weights()) && java.util.Objects.equals(x.run(), s.run()))
                    .findFirst().orElse(null);
            if (known != null) {
                model.selectedSourceProperty().set(known);
            } else {
                addSource(s);
            }
            opened.accept(known != null ? known : s);
        });
    }

    void openRunWithDialog() {
        services.dialogs().chooseFolder("Open a fine-tuning run folder or a BioNeMo checkpoint folder",
                RunHistory.defaultFolder()).ifPresent(this::open);
    }

    /**
     * For a BioNeMo LoRA folder whose base model is not where its run config records it ({@code recorded}, "" when
     * it records none): the base model folder the user chooses, or empty when they cancel.
     */
    private Optional<Path> chooseLoraBase(Path folder, String recorded) {
        return services.dialogs().chooseFolder("Choose the base model of this LoRA checkpoint"
                + (recorded.isEmpty() ? "" : " (trained on " + recorded + ")"), folder.toAbsolutePath().getParent());
    }

    void openWithDialog() {
        services.dialogs().chooseFile("Open an Evo 2 checkpoint", WEIGHTS).ifPresent(this::open);
    }

    void chooseConfigFile() {
        services.dialogs().chooseFile("Choose the model's config", YAML).ifPresent(p -> {
            ModelInspection.ConfigChoice c = ModelInspection.ConfigChoice.file(p);
            if (!model.configChoices().contains(c)) {
                model.configChoices().add(c);
            }
            model.configChoiceProperty().set(c);
        });
    }

    private void inspect() {
        ModelSource s = model.selectedSourceProperty().get();
        if (inspecting != null) {
            inspecting.cancel();
        }
        model.inspectionProperty().set(null);
        if (s == null) {
            return;
        }
        InspectModelTask task = new InspectModelTask(s, model.configChoiceProperty().get());
        inspecting = task;
        model.inspectingProperty().set(true);
        model.statusProperty().set("Reading " + s.weights().getFileName() + " …");
        services.tasks().submit(task, t -> { }, t -> {
            if (t != inspecting) {
                return;                                           // a newer request replaced this one
            }
            inspecting = null;
            model.inspectingProperty().set(false);
            if (t.status() == TaskStatus.FINISHED) {
                ModelInspection i = t.result().join();
                model.inspectionProperty().set(i);
                model.statusProperty().set(i.loadable() ? s.weights().getFileName() + " can be loaded."
                        : s.weights().getFileName() + " cannot be loaded with this config.");
                if (autoLoadDefault && i.loadable() && s.kind() == ModelSource.Kind.DEFAULT
                        && model.currentProperty().get() == null) {
                    autoLoadDefault = false;                        // once, at start: the default becomes current
                    load();
                }
            } else if (t.status() == TaskStatus.FAILED) {
                model.statusProperty().set("Could not read " + s.weights().getFileName() + ".");
                services.dialogs().showError("Could not read the model", EngineTask.describe(failure(t)));
            }
        });
    }

    /** Loads the inspected model on the chosen device and precision; returns the task, or null if not possible. */
    public LoadModelTask load() {
        ModelInspection i = model.inspectionProperty().get();
        AvailableDevices.PrecisionChoice p = model.precisionProperty().get();
        if (loading != null || i == null || !i.loadable() || p == null || !p.available()) {
            return null;
        }
        LoadModelTask task = new LoadModelTask(i, model.deviceProperty().get(), p.precision());
        loading = task;
        model.loadingProperty().set(true);
        model.progressProperty().set(-1);
        model.statusProperty().set("Loading " + i.source().name() + " …");
        return services.tasks().submit(task, t -> {
            model.progressProperty().set(t.fraction());
            if (!t.message().isBlank()) {
                model.statusProperty().set(t.message());
            }
        }, this::loaded);
    }

    private void loaded(LoadModelTask t) {
        loading = null;
        model.loadingProperty().set(false);
        model.progressProperty().set(0);
        if (t.status() == TaskStatus.FINISHED) {
            LoadedModel m = t.result().join();
            model.loaded().add(m);
            model.currentProperty().set(m);
            model.selectedLoadedProperty().set(m);
            model.statusProperty().set(String.format(Locale.ROOT, "Loaded %s in %.1f s; it is the current model.",
                    m.name(), m.loadSeconds()));
        } else if (t.status() == TaskStatus.CANCELLED) {
            model.statusProperty().set("Loading cancelled; nothing was kept.");
        } else {
            model.statusProperty().set("Loading failed.");
            services.dialogs().showError("Could not load the model", EngineTask.describe(failure(t)));
        }
    }

    void cancelLoad() {
        if (loading != null) {
            loading.cancel();
        }
    }

    void makeCurrent() {
        LoadedModel m = model.selectedLoadedProperty().get();
        if (m != null) {
            model.currentProperty().set(m);
        }
    }

    /** Removes the selected model from memory (at once, or when the last task using it ends). */
    void unload() {
        LoadedModel m = model.selectedLoadedProperty().get();
        if (m == null) {
            return;
        }
        model.loaded().remove(m);
        if (model.currentProperty().get() == m) {
            model.currentProperty().set(model.loaded().isEmpty() ? null : model.loaded().get(0));
        }
        model.selectedLoadedProperty().set(model.currentProperty().get());
        m.retire();
        model.statusProperty().set("Unloaded " + m.name() + ".");
    }

    /** Runs the selected loaded model's self-test; returns the task, or null when there is nothing to run. */
    public SelfTestTask selfTest() {
        LoadedModel m = model.selectedLoadedProperty().get();
        if (m == null || selfTest != null) {
            return null;
        }
        Path file = m.source().selfTest();
        if (file == null) {
            services.dialogs().showError("No self-test for this model", "No selftest.tsv lies next to "
                    + m.source().weights() + ", so there are no stored values to compare with.");
            return null;
        }
        List<SelfTest.Case> cases;
        try {
            cases = SelfTest.read(file);
        } catch (IOException e) {
            services.dialogs().showError("Could not read the self-test", e.getMessage());
            return null;
        }
        LoadedModel.Lease lease = m.lease();
        SelfTestTask task = new SelfTestTask(lease.network(), cases);
        selfTest = task;
        model.selfTestingProperty().set(true);
        model.selfTestReportProperty().set(null);
        model.selfTestTextProperty().set("Running the self-test …");
        return services.tasks().submit(task, t -> { }, t -> {
            lease.close();
            selfTest = null;
            model.selfTestingProperty().set(false);
            if (t.status() == TaskStatus.FINISHED) {
                SelfTest.Report r = t.result().join();
                model.selfTestReportProperty().set(r);
                boolean startingModels = m.source().kind() == ModelSource.Kind.RUN && m.source().run() != null
                        && !file.startsWith(m.source().run());
                model.selfTestTextProperty().set((startingModels ? "Fine-tuned model against the starting model's "
                        + "stored values (fine-tuning is expected to move them): " : "")
                        + r.describe(file.toString()));
            } else if (t.status() == TaskStatus.CANCELLED) {
                model.selfTestTextProperty().set("Self-test cancelled.");
            } else {
                model.selfTestTextProperty().set("The self-test could not run.");
                services.dialogs().showError("Self-test failed to run", EngineTask.describe(failure(t)));
            }
        });
    }

    private static Throwable failure(EngineTask<?> t) {
        return t.result().handle((v, e) -> e).join();
    }
}
