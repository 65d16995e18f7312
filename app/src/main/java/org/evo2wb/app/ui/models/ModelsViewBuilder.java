package org.evo2wb.app.ui.models;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.evo2wb.app.models.AvailableDevices;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.models.ModelInspection;
import org.evo2wb.app.models.ModelSource;
import org.evo2wb.app.ui.Controls;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.WeightPrecision;

/** Builds the Models view's controls and binds them to a {@link ModelsModel}; user actions go to {@link Actions}. */
final class ModelsViewBuilder {

    /** What the view's buttons do. */
    record Actions(Runnable open, Runnable openRun, Runnable chooseConfig, Runnable load, Runnable cancel, Runnable makeCurrent,
                   Runnable unload, Runnable selfTest, Runnable getModels) {}

    private final ModelsModel model;
    private final Actions actions;

    ModelsViewBuilder(ModelsModel model, Actions actions) {
        this.model = model;
        this.actions = actions;
    }

    Node build() {
        BorderPane root = new BorderPane();
        root.setId("models-view");
        root.setTop(toolbar());
        SplitPane split = new SplitPane(sourceList(), details());
        split.setDividerPositions(0.26);
        root.setCenter(split);
        return root;
    }

    private Node toolbar() {
        Button open = new Button("Open checkpoint…");
        open.setId("open-checkpoint");
        open.setOnAction(e -> actions.open().run());
        Button openRun = new Button("Open folder…");
        openRun.setId("open-run");
        openRun.setTooltip(new javafx.scene.control.Tooltip("A fine-tuning run folder (the one holding run.json): its "
                + "starting model with the weights it trained (best checkpoint, else the newest; LoRA merged). Or a "
                + "BioNeMo checkpoint folder: Megatron Bridge (the top folder or an iter_* folder; LoRA adapters are "
                + "combined with their base model) or Savanna."));
        openRun.setOnAction(e -> actions.openRun().run());

        Button getModels = new Button("Get models…");
        getModels.setId("get-models-button");
        getModels.setTooltip(new Tooltip("The released Evo 2 checkpoints: what each needs, verified downloads, and the "
                + "GPU runtime set-up."));
        getModels.setOnAction(e -> actions.getModels().run());

        ComboBox<ModelInspection.ConfigChoice> config = new ComboBox<>(model.configChoices());
        config.setId("config-choice");
        config.setConverter(new StringConverter<>() {
            @Override
            public String toString(ModelInspection.ConfigChoice c) {
                if (c == null || (c.file() == null && c.preset() == null)) {
                    return "Config: automatic";
                }
                return c.file() != null ? "Config file: " + c.file().getFileName() : "Preset: " + c.preset();
            }

            @Override
            public ModelInspection.ConfigChoice fromString(String s) {
                return null;
            }
        });
        config.valueProperty().bindBidirectional(model.configChoiceProperty());
        config.setTooltip(new Tooltip("Automatic: the YAML next to the weights, else the preset whose shapes the "
                + "weights fit."));

        Button configFile = new Button("Config file…");
        configFile.setId("choose-config");
        configFile.setOnAction(e -> actions.chooseConfig().run());

        Label status = new Label();
        status.setId("models-status");
        status.getStyleClass().add("drop-hint");
        status.textProperty().bind(model.statusProperty());

        status.setMinWidth(0);
        HBox.setHgrow(status, javafx.scene.layout.Priority.ALWAYS);
        HBox bar = new HBox(Controls.unshrinkable(open), Controls.unshrinkable(openRun),
                Controls.unshrinkable(getModels), Controls.unshrinkable(config), Controls.unshrinkable(configFile),
                status);
        bar.getStyleClass().add("data-toolbar");
        return bar;
    }

    private Node sourceList() {
        Label title = new Label("Model files");
        title.getStyleClass().add("section-title");
        ListView<ModelSource> list = new ListView<>(model.sources());
        list.setId("model-sources");
        list.setPlaceholder(new Label("No model files open"));
        list.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(ModelSource s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty || s == null ? null : s.name() + "\n" + describe(s));
            }
        });
        list.getSelectionModel().selectedItemProperty().addListener((obs, old, s) -> {
            if (s != null) {
                model.selectedSourceProperty().set(s);
            }
        });
        model.selectedSourceProperty().addListener((obs, old, s) -> {
            if (s != null && list.getSelectionModel().getSelectedItem() != s) {
                list.getSelectionModel().select(s);
            }
        });
        Label note = new Label();
        note.setId("default-model-note");
        note.setWrapText(true);
        note.getStyleClass().add("drop-hint");
        note.textProperty().bind(model.defaultModelNoteProperty());
        note.visibleProperty().bind(model.defaultModelNoteProperty().isNotEmpty());
        note.managedProperty().bind(note.visibleProperty());

        Label loadedTitle = new Label("In memory");
        loadedTitle.getStyleClass().add("section-title");
        ListView<LoadedModel> loaded = new ListView<>(model.loaded());
        loaded.setId("loaded-models");
        loaded.setPrefHeight(130);
        loaded.setPlaceholder(new Label("No model loaded"));
        loaded.setCellFactory(v -> new ListCell<>() {
            {
                model.currentProperty().addListener((obs, o, n) -> updateItem(getItem(), isEmpty()));
            }

            @Override
            protected void updateItem(LoadedModel m, boolean empty) {
                super.updateItem(m, empty);
                setText(empty || m == null ? null : (m == model.currentProperty().get() ? "★ " : "   ") + m.name());
            }
        });
        loaded.getSelectionModel().selectedItemProperty().addListener((obs, old, m) -> {
            if (m != null) {
                model.selectedLoadedProperty().set(m);
            }
        });
        model.selectedLoadedProperty().addListener((obs, old, m) -> {
            if (m != loaded.getSelectionModel().getSelectedItem()) {
                loaded.getSelectionModel().select(m);
            }
        });
        Button current = new Button("Make current");
        current.setId("make-current");
        current.setOnAction(e -> actions.makeCurrent().run());
        current.disableProperty().bind(model.selectedLoadedProperty().isNull()
                .or(model.selectedLoadedProperty().isEqualTo(model.currentProperty())));
        Button unload = new Button("Unload");
        unload.setId("unload-model");
        unload.setOnAction(e -> actions.unload().run());
        unload.disableProperty().bind(model.selectedLoadedProperty().isNull());
        Button selfTest = new Button("Self-test");
        selfTest.setId("self-test");
        selfTest.setOnAction(e -> actions.selfTest().run());
        selfTest.disableProperty().bind(model.selectedLoadedProperty().isNull().or(model.selfTestingProperty()));
        selfTest.setTooltip(new Tooltip("Scores the sequences of selftest.tsv (stored next to the weights) and "
                + "compares their mean log-likelihoods with the stored values."));

        VBox box = new VBox(6, title, list, note, loadedTitle, loaded, new HBox(6, Controls.unshrinkable(current),
                Controls.unshrinkable(unload), Controls.unshrinkable(selfTest)));
        VBox.setVgrow(list, Priority.ALWAYS);
        box.setPadding(new Insets(8));
        box.setMinWidth(240);
        return box;
    }

    /** Second line of a model file's entry: its folder and what lies beside it. */
    static String describe(ModelSource s) {
        if (s.kind() == ModelSource.Kind.RUN) {
            return "fine-tuned from " + s.weights().getFileName() + " · settings and config in run.json";
        }
        java.nio.file.Path dir = s.weights().toAbsolutePath().getParent();
        String where = dir == null || dir.getFileName() == null ? "" : dir.getFileName() + "/";
        String with = (s.config() != null ? "config " + s.config().getFileName() : "no config")
                + (s.selfTest() != null ? ", self-test" : "");
        return (s.kind() == ModelSource.Kind.DEFAULT ? "bundled" : where) + " · " + with;
    }

    private Node details() {
        VBox box = new VBox(12);
        box.setId("model-details");
        box.setPadding(new Insets(10, 16, 16, 16));

        Label fp8 = new Label();
        fp8.setId("fp8-warning");
        fp8.getStyleClass().add("fp8-warning");
        fp8.setWrapText(true);
        fp8.setMaxWidth(Double.MAX_VALUE);
        fp8.textProperty().bind(Bindings.createStringBinding(() -> {
            ModelInspection i = model.inspectionProperty().get();
            return i == null || i.fp8Warning().isEmpty() ? "" : "⚠ Accuracy warning. " + i.fp8Warning().get();
        }, model.inspectionProperty()));
        fp8.visibleProperty().bind(fp8.textProperty().isNotEmpty());
        fp8.managedProperty().bind(fp8.visibleProperty());

        Label heading = new Label();
        heading.getStyleClass().add("view-title");
        heading.setId("model-heading");
        heading.textProperty().bind(text(i -> i.config() != null && i.config().modelName() != null
                ? i.config().modelName() : i.source().name(), "No model selected"));

        Label problems = new Label();
        problems.setId("model-problems");
        problems.getStyleClass().add("model-problems");
        problems.setWrapText(true);
        problems.textProperty().bind(text(i -> String.join("\n", i.problems()), ""));
        problems.visibleProperty().bind(problems.textProperty().isNotEmpty());
        problems.managedProperty().bind(problems.visibleProperty());

        box.getChildren().addAll(fp8, heading, problems, facts(), memory(), runOn(), selfTestResult());
        box.visibleProperty().bind(model.inspectionProperty().isNotNull());
        ScrollPane scroll = new ScrollPane(box);
        scroll.setFitToWidth(true);
        Label empty = new Label("Select or open a model file.");
        empty.getStyleClass().add("drop-hint");
        empty.visibleProperty().bind(model.inspectionProperty().isNull());
        javafx.scene.layout.StackPane stack = new javafx.scene.layout.StackPane(scroll, empty);
        stack.setAlignment(Pos.TOP_LEFT);
        javafx.scene.layout.StackPane.setMargin(empty, new Insets(16));
        return stack;
    }

    /** A file's path; for a fine-tuning run the run folder, whose trained weights replace the starting model's. */
    static String weightsLine(ModelInspection i) {
        ModelSource s = i.source();
        if (s.kind() == ModelSource.Kind.RUN && s.run() != null) {
            return s.run() + " (trained in this run, on top of " + s.weights().getFileName() + ")";
        }
        return s.weights().toString();
    }

    private Node facts() {
        GridPane g = new GridPane();
        g.setHgap(14);
        g.setVgap(4);
        g.getStyleClass().add("model-facts");
        int row = 0;
        row = fact(g, row, "Weights", "fact-file", text(ModelsViewBuilder::weightsLine, ""));
        row = fact(g, row, "Format", "fact-format", text(i -> i.summary().format() + ", "
                + i.summary().tensorCount() + " tensors (" + i.summary().dtypeCounts().entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")) + ")", ""));
        row = fact(g, row, "File size", "fact-size", text(i -> bytes(i.fileBytes()), ""));
        row = fact(g, row, "Config", "fact-config", text(ModelInspection::configOrigin, ""));
        row = fact(g, row, "Fits presets", "fact-presets", text(i -> i.summary().matchingPresets().isEmpty()
                ? "none (a custom architecture)" : String.join(", ", i.summary().matchingPresets()), ""));
        row = fact(g, row, "Parameters", "fact-parameters", text(i -> i.config() == null ? "–"
                : String.format(Locale.ROOT, "%,d (%s)", i.parameterCount(), millions(i.parameterCount())), ""));
        row = fact(g, row, "Shape", "fact-shape", text(i -> i.config() == null ? "–" : shape(i.config()), ""));
        row = fact(g, row, "Context", "fact-context", text(i -> i.config() == null ? "–"
                : String.format(Locale.ROOT, "%,d bases (max_seqlen)", i.config().maxSeqlen()), ""));
        Label name = new Label("Block pattern");
        name.getStyleClass().add("fact-name");
        FlowPane pattern = new FlowPane(2, 2);
        pattern.setId("fact-pattern");
        pattern.setPrefWrapLength(560);
        model.inspectionProperty().addListener((obs, old, i) -> PatternStrip.fill(pattern,
                i == null ? "" : i.pattern()));
        g.add(name, 0, row);
        g.add(new VBox(3, pattern, legend()), 1, row);
        return g;
    }

    private static Node legend() {
        Label l = new Label("S short explicit (hcs) · D medium regularized (hcm) · H long implicit (hcl) · "
                + "* attention");
        l.getStyleClass().add("drop-hint");
        return l;
    }

    private static int fact(GridPane g, int row, String name, String id, ObservableValue<String> value) {
        Label n = new Label(name);
        n.getStyleClass().add("fact-name");
        Label v = new Label();
        v.setId(id);
        v.setWrapText(true);
        v.textProperty().bind(value);
        g.add(n, 0, row);
        g.add(v, 1, row);
        return row + 1;
    }

    private Node memory() {
        Label title = new Label("Memory needed");
        title.getStyleClass().add("section-title");
        GridPane g = new GridPane();
        g.setId("memory-table");
        g.setHgap(18);
        g.setVgap(3);
        String[] head = {"Weights held in", "Weights", "Peak while loading"};
        for (int c = 0; c < head.length; c++) {
            Label h = new Label(head[c]);
            h.getStyleClass().add("fact-name");
            g.add(h, c, 0);
        }
        int row = 1;
        for (WeightPrecision p : new WeightPrecision[] {WeightPrecision.FP32, WeightPrecision.FP16}) {
            String label = p.name().toLowerCase(Locale.ROOT);
            g.add(new Label(label), 0, row);
            Label w = new Label();
            w.setId("memory-" + label + "-weights");
            w.textProperty().bind(text(i -> mem(i.memory(), p, false), ""));
            Label peak = new Label();
            peak.setId("memory-" + label + "-peak");
            peak.textProperty().bind(text(i -> mem(i.memory(), p, true), ""));
            g.add(w, 1, row);
            g.add(peak, 2, row);
            row++;
        }
        Label note = new Label("fp32 and TF32 hold every weight in fp32. fp16 (a GPU) holds the linear layers' weights "
                + "in fp16 and the few others in fp32, close to the fp16 figure; full fine-tuning in fp16 adds fp32 "
                + "masters of the trained weights. Add about 1 GB for the application and the activations of the "
                + "sequences being scored.");
        note.getStyleClass().add("drop-hint");
        note.setWrapText(true);
        return new VBox(4, title, g, note);
    }

    private Node runOn() {
        Label title = new Label("Run on");
        title.getStyleClass().add("section-title");
        ComboBox<AvailableDevices.Option> device = new ComboBox<>(model.devices());
        device.setId("device-choice");
        device.valueProperty().bindBidirectional(model.deviceProperty());
        device.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(AvailableDevices.Option d, boolean empty) {
                super.updateItem(d, empty);
                setText(empty || d == null ? null : d.toString());
                setDisable(d != null && !d.usable());
                setTooltip(d == null || d.usable() ? null : new Tooltip(d.problem()));
            }
        });
        ComboBox<AvailableDevices.PrecisionChoice> precision = new ComboBox<>(model.precisions());
        precision.setId("precision-choice");
        precision.valueProperty().bindBidirectional(model.precisionProperty());
        precision.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(AvailableDevices.PrecisionChoice c, boolean empty) {
                super.updateItem(c, empty);
                setText(empty || c == null ? null : c.toString());
                setDisable(c != null && !c.available());
                setTooltip(c == null || c.available() ? null : new Tooltip(c.reason()));
            }
        });
        Button load = new Button("Load");
        load.setId("load-model");
        load.getStyleClass().add("primary-button");
        load.setOnAction(e -> actions.load().run());
        BooleanBinding notLoadable = Bindings.createBooleanBinding(() -> {
            ModelInspection i = model.inspectionProperty().get();
            AvailableDevices.PrecisionChoice p = model.precisionProperty().get();
            return i == null || !i.loadable() || p == null || !p.available();
        }, model.inspectionProperty(), model.precisionProperty());
        load.disableProperty().bind(notLoadable.or(model.loadingProperty()));
        Button cancel = new Button("Cancel");
        cancel.setId("cancel-load");
        cancel.setOnAction(e -> actions.cancel().run());
        cancel.disableProperty().bind(model.loadingProperty().not());
        ProgressBar progress = new ProgressBar();
        progress.setId("load-progress");
        progress.setPrefWidth(200);
        progress.progressProperty().bind(model.progressProperty());
        progress.visibleProperty().bind(model.loadingProperty());
        device.setPrefWidth(270);
        device.setMinWidth(Region.USE_PREF_SIZE);
        HBox row = new HBox(8, Controls.label("Device"), device, Controls.label("Precision"),
                Controls.unshrinkable(precision), Controls.unshrinkable(load), Controls.unshrinkable(cancel),
                progress);
        row.setAlignment(Pos.CENTER_LEFT);
        Label note = new Label();
        note.setId("precision-note");
        note.getStyleClass().add("drop-hint");
        note.setWrapText(true);
        note.textProperty().bind(Bindings.createStringBinding(() -> String.join("\n",
                java.util.stream.Stream.of(model.deviceNoteProperty().get(), model.precisionNoteProperty().get())
                        .filter(x -> !x.isBlank()).toList()), model.deviceNoteProperty(), model.precisionNoteProperty()));
        return new VBox(6, title, row, note);
    }

    private Node selfTestResult() {
        Label title = new Label("Self-test");
        title.getStyleClass().add("section-title");
        Label result = new Label();
        result.setId("self-test-result");
        result.getStyleClass().add("self-test-result");
        result.textProperty().bind(model.selfTestTextProperty());
        model.selfTestReportProperty().addListener((obs, old, r) -> {
            result.getStyleClass().removeAll("passed", "failed");
            if (r != null) {
                result.getStyleClass().add(r.passed() ? "passed" : "failed");
            }
        });
        Label hint = new Label("Select a model in memory and press Self-test to check it computes the values "
                + "stored next to its weights.");
        hint.getStyleClass().add("drop-hint");
        hint.setWrapText(true);
        hint.visibleProperty().bind(model.selfTestTextProperty().isEmpty());
        hint.managedProperty().bind(hint.visibleProperty());
        return new VBox(4, title, hint, result);
    }

    private ObservableValue<String> text(java.util.function.Function<ModelInspection, String> f, String none) {
        return Bindings.createStringBinding(() -> {
            ModelInspection i = model.inspectionProperty().get();
            return i == null ? none : f.apply(i);
        }, model.inspectionProperty());
    }

    private static String mem(Map<WeightPrecision, ModelInspection.Memory> m, WeightPrecision p, boolean peak) {
        ModelInspection.Memory x = m.get(p);
        return x == null ? "–" : bytes(peak ? x.loadPeak() : x.weights());
    }

    static String shape(Evo2Config c) {
        return String.format(Locale.ROOT, "%d blocks, hidden size %,d, %d attention heads, MLP width %,d",
                c.numLayers(), c.hiddenSize(), c.numAttentionHeads(), c.mlpInnerSize());
    }

    static String millions(long n) {
        return n >= 1e9 ? String.format(Locale.ROOT, "%.2f B", n / 1e9)
                : n >= 1e6 ? String.format(Locale.ROOT, "%.1f M", n / 1e6)
                : String.format(Locale.ROOT, "%.1f k", n / 1e3);
    }

    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%,d KiB", (b + 1023) / 1024);
    }
}
