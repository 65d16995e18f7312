package org.evo2wb.app.ui.finetune;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TitledPane;
import javafx.scene.control.cell.CheckBoxTableCell;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.evo2wb.app.ui.Controls;
import org.evo2wb.engine.train.run.RunState;
import org.evo2wb.engine.train.run.RunSummary;
import org.evo2wb.engine.train.settings.Preset;

/** Builds the Fine-tune view's controls and binds them to a {@link FineTuneViewModel}; user actions go to {@link Actions}. */
final class FineTuneViewBuilder {

    /** What the view's buttons do. */
    record Actions(Runnable start, Runnable stop, Runnable resumeLast, Runnable resumeSelected, Runnable score,
                   Runnable chooseRunsFolder, Runnable refreshHistory, Consumer<String> reset, Runnable resetAll,
                   Runnable exportBioNeMo) {}

    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    private final FineTuneViewModel model;
    private final Actions actions;
    private final TrainingCharts live;
    private final TrainingCharts compare;
    private final SettingsForm form;

    FineTuneViewBuilder(FineTuneViewModel model, Actions actions, TrainingCharts live, TrainingCharts compare,
                        SettingsForm form) {
        this.model = model;
        this.actions = actions;
        this.live = live;
        this.compare = compare;
        this.form = form;
    }

    Node build() {
        BorderPane root = new BorderPane();
        root.setId("finetune-view");
        root.setTop(header());
        Tab run = new Tab("Set up and run", runTab());
        run.setId("tab-run");
        Tab history = new Tab("History and comparison", historyTab());
        history.setId("tab-history");
        TabPane tabs = new TabPane(run, history);
        tabs.setId("finetune-tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        root.setCenter(tabs);
        return root;
    }

    private Node header() {
        Label title = new Label("Fine-tune");
        title.getStyleClass().add("view-title");
        Label modelLabel = new Label();
        modelLabel.setId("ft-model");
        modelLabel.getStyleClass().add("score-model");
        modelLabel.textProperty().bind(Bindings.concat("Starting model: ", model.modelNameProperty()));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label runs = new Label();
        runs.setId("ft-runs-folder");
        runs.getStyleClass().add("drop-hint");
        runs.textProperty().bind(Bindings.createStringBinding(() -> "Runs: " + model.runsFolderProperty().get(),
                model.runsFolderProperty()));
        runs.setMinWidth(80);
        Button choose = Controls.unshrinkable(new Button("Runs folder…"));
        choose.setId("ft-choose-runs");
        choose.setOnAction(e -> actions.chooseRunsFolder().run());
        HBox bar = new HBox(12, title, modelLabel, spacer, runs, choose);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6, 10, 4, 10));
        return bar;
    }

    // ---- set up and run ------------------------------------------------------------------------------------

    private Node runTab() {
        VBox setup = new VBox(8, presetRow(), section("Training data"), dataTable(), dataChoices(), dataSummary(),
                section("Settings"), form.primary(), form.advanced(), commandPreview());
        setup.setPadding(new Insets(6, 10, 10, 10));
        ScrollPane scroll = new ScrollPane(setup);
        scroll.setFitToWidth(true);
        scroll.setId("ft-setup");
        scroll.setMinWidth(340);
        SplitPane split = new SplitPane(scroll, runPane());
        split.setDividerPositions(0.40);
        return split;
    }

    private static Label section(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("section-title");
        return l;
    }

    private Node presetRow() {
        ComboBox<Preset> preset = new ComboBox<>();
        preset.getItems().add(null);
        preset.getItems().addAll(Preset.values());
        preset.setId("ft-preset");
        preset.setConverter(new StringConverter<>() {
            @Override
            public String toString(Preset p) {
                return p == null ? "No preset (defaults)" : p.label();
            }

            @Override
            public Preset fromString(String s) {
                return null;
            }
        });
        preset.valueProperty().bindBidirectional(model.presetProperty());
        Label about = new Label();
        about.setWrapText(true);
        about.getStyleClass().add("drop-hint");
        about.textProperty().bind(Bindings.createStringBinding(() -> model.presetProperty().get() == null
                ? "Every setting at its default; change any below."
                : model.presetProperty().get().description(), model.presetProperty()));
        Hyperlink resetAll = new Hyperlink("Reset all settings");
        resetAll.setId("ft-reset-all");
        resetAll.setOnAction(e -> actions.resetAll().run());
        HBox row = new HBox(8, section("Preset"), preset, resetAll);
        row.setAlignment(Pos.CENTER_LEFT);
        return new VBox(3, row, about);
    }

    private Node dataTable() {
        final TableView<RecordChoice> table = new TableView<>(model.records());
        table.setId("ft-records");
        table.setEditable(true);
        table.setPrefHeight(150);
        table.setPlaceholder(new Label("No sequences open: open files in the Data view."));
        TableColumn<RecordChoice, Boolean> train = new TableColumn<>();
        train.setGraphic(header("Use", "Ticked: the record is used. It is trained on, unless it is ticked for "
                + "validation too (then it is held out whole)."));
        train.setCellValueFactory(c -> c.getValue().trainProperty());
        train.setCellFactory(CheckBoxTableCell.forTableColumn(train));
        train.setEditable(true);
        train.setPrefWidth(40);
        TableColumn<RecordChoice, Boolean> val = new TableColumn<>();
        val.setGraphic(header("Validation", "Ticked: the whole record is held out and validated on, never trained "
                + "on (a tick here is enough). Editable when Validation below is 'Records ticked in the Validation "
                + "column'."));
        val.setCellValueFactory(c -> c.getValue().validationProperty());
        val.setCellFactory(CheckBoxTableCell.forTableColumn(val));
        val.editableProperty().bind(Bindings.equal(model.validationModeProperty(), FineTuneViewModel.ValidationMode.CHOSEN));
        val.setPrefWidth(78);
        val.setMinWidth(78);
        train.setMinWidth(44);
        table.getColumns().add(train);
        table.getColumns().add(val);
        table.getColumns().add(text("Record", 130, r -> r.record().id()));
        table.getColumns().add(text("Length", 70, r -> String.format(Locale.ROOT, "%,d", r.record().record()
                .length())));
        table.getColumns().add(text("Features", 60, r -> String.valueOf(r.record().featureCount())));
        table.getColumns().add(text("File", 140, r -> String.valueOf(r.record().file().getFileName())));
        Label meaning = new Label();
        meaning.setId("ft-ticks-meaning");
        meaning.getStyleClass().add("drop-hint");
        meaning.setWrapText(true);
        meaning.textProperty().bind(Bindings.createStringBinding(() -> model.validationModeProperty().get()
                == FineTuneViewModel.ValidationMode.CHOSEN
                ? "Use: train on the record. Validation: hold the whole record out and validate on it (a Validation "
                + "tick alone is enough)."
                : "Use: train on the record. Validation ticks apply when Validation below is 'Records ticked in the "
                + "Validation column'; now the records are split by the validation fraction.",
                model.validationModeProperty()));
        VBox box = new VBox(3, table, meaning);
        VBox.setVgrow(table, Priority.ALWAYS);
        return box;
    }

    private static Label header(String text, String meaning) {
        Label l = new Label(text);
        Tooltip t = new Tooltip(meaning);
        t.setWrapText(true);
        t.setMaxWidth(420);
        l.setTooltip(t);
        return l;
    }

    private static <T> TableColumn<T, String> text(String title, double width, Function<T, String> value) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setCellValueFactory(x -> new ReadOnlyStringWrapper(value.apply(x.getValue())));
        c.setPrefWidth(width);
        c.setEditable(false);
        return c;
    }

    private Node dataChoices() {
        ComboBox<FineTuneViewModel.FeatureChoice> feature = new ComboBox<>(model.featureChoices());
        feature.setId("ft-feature-type");
        feature.valueProperty().bindBidirectional(model.featureChoiceProperty());
        ComboBox<FineTuneViewModel.ValidationMode> validation = new ComboBox<>();
        validation.getItems().setAll(FineTuneViewModel.ValidationMode.values());
        validation.setId("ft-validation-mode");
        validation.valueProperty().bindBidirectional(model.validationModeProperty());
        VBox box = new VBox(4, row("Train on", feature), row("Validation", validation));
        return box;
    }

    private static Node row(String label, Node control) {
        Label l = new Label(label);
        l.setMinWidth(80);
        HBox h = new HBox(8, l, control);
        h.setAlignment(Pos.CENTER_LEFT);
        return h;
    }

    private Node dataSummary() {
        Label summary = new Label();
        summary.setId("ft-data-summary");
        summary.setWrapText(true);
        summary.textProperty().bind(model.dataSummaryProperty());
        summary.getStyleClass().add("data-summary");
        Label memory = new Label();
        memory.setId("ft-memory");
        memory.setWrapText(true);
        memory.textProperty().bind(model.memoryProperty());
        model.memoryWarningProperty().addListener((obs, o, w) -> {
            if (w) {
                memory.getStyleClass().add("warnings");
            } else {
                memory.getStyleClass().remove("warnings");
            }
        });
        return new VBox(4, summary, memory);
    }

    private Node commandPreview() {
        TextArea text = new TextArea();
        text.setId("ft-command");
        text.setEditable(false);
        text.setWrapText(false);
        text.setPrefRowCount(6);
        text.getStyleClass().add("command-preview");
        text.textProperty().bind(model.commandPreviewProperty());
        TitledPane pane = new TitledPane("Command line (evo2wb finetune)", text);
        pane.setId("ft-command-pane");
        pane.setExpanded(false);
        pane.setAnimated(false);
        return pane;
    }

    private Node runPane() {
        Button start = Controls.unshrinkable(new Button("Start"));
        start.setId("ft-start");
        start.getStyleClass().add("primary-button");
        start.disableProperty().bind(model.canStartProperty().not());
        start.setOnAction(e -> actions.start().run());
        Button export = Controls.unshrinkable(new Button("Export as BioNeMo job…"));
        export.setId("ft-export-bionemo");
        export.setTooltip(new javafx.scene.control.Tooltip("Write these settings and data as a job for NVIDIA "
                + "BioNeMo's Evo 2 recipe, to train on a GPU cluster instead of here."));
        export.disableProperty().bind(model.canStartProperty().not());
        export.setOnAction(e -> actions.exportBioNeMo().run());
        Button stop = Controls.unshrinkable(new Button("Stop"));
        stop.setId("ft-stop");
        stop.disableProperty().bind(model.runningProperty().not());
        stop.setOnAction(e -> actions.stop().run());
        Button resume = Controls.unshrinkable(new Button("Resume"));
        resume.setId("ft-resume");
        resume.disableProperty().bind(model.resumableProperty().isNull().or(model.runningProperty()));
        resume.setOnAction(e -> actions.resumeLast().run());
        ProgressBar progress = new ProgressBar();
        progress.setId("ft-progress");
        progress.setPrefWidth(200);
        progress.progressProperty().bind(model.progressProperty());
        Label progressText = new Label();
        progressText.setId("ft-progress-text");
        progressText.textProperty().bind(model.progressTextProperty());
        HBox bar = new HBox(8, start, export, stop, resume, progress, progressText);
        bar.setAlignment(Pos.CENTER_LEFT);

        Label status = new Label();
        status.setId("ft-status");
        status.setWrapText(true);
        status.textProperty().bind(model.statusProperty());
        Label hint = new Label();
        hint.setId("ft-start-hint");
        hint.getStyleClass().add("drop-hint");
        hint.setWrapText(true);
        hint.textProperty().bind(model.startHintProperty());
        hint.visibleProperty().bind(model.runningProperty().not());
        hint.managedProperty().bind(hint.visibleProperty());
        Label problems = new Label();
        problems.setId("ft-problems");
        problems.getStyleClass().add("setting-error");
        problems.setWrapText(true);
        problems.textProperty().bind(Bindings.createStringBinding(() -> String.join("\n", model.problems()),
                model.problems()));
        problems.visibleProperty().bind(Bindings.isNotEmpty(model.problems()));
        problems.managedProperty().bind(problems.visibleProperty());

        CheckBox logScale = new CheckBox("Log-scale loss");
        logScale.setId("ft-log-scale");
        logScale.selectedProperty().addListener((obs, o, on) -> live.logLoss(on));
        Label zoom = new Label("Drag across a chart to zoom; right-click for zoom out and export.");
        zoom.getStyleClass().add("drop-hint");
        HBox chartBar = new HBox(12, logScale, zoom);
        chartBar.setAlignment(Pos.CENTER_LEFT);
        Node charts = live.node();
        VBox.setVgrow(charts, Priority.ALWAYS);

        ListView<String> log = new ListView<>(model.log());
        log.setId("ft-log");
        log.setPrefHeight(110);
        log.setMinHeight(60);
        log.getStyleClass().add("run-log");
        model.log().addListener((ListChangeListener<String>) c -> {
            if (!model.log().isEmpty()) {
                log.scrollTo(model.log().size() - 1);
            }
        });
        VBox box = new VBox(6, bar, status, hint, problems, chartBar, charts, log);
        box.setPadding(new Insets(6, 8, 8, 8));
        return box;
    }

    // ---- history -------------------------------------------------------------------------------------------

    private Node historyTab() {
        Button refresh = Controls.unshrinkable(new Button("Refresh"));
        refresh.setId("history-refresh");
        refresh.setOnAction(e -> actions.refreshHistory().run());
        Button resume = Controls.unshrinkable(new Button("Resume"));
        resume.setId("history-resume");
        resume.disableProperty().bind(Bindings.createBooleanBinding(() -> model.runningProperty().get()
                || model.selectedRuns().size() != 1 || !model.selectedRuns().get(0).resumable(),
                model.selectedRuns(), model.runningProperty()));
        resume.setOnAction(e -> actions.resumeSelected().run());
        Button score = Controls.unshrinkable(new Button("Score with this model"));
        score.setId("history-score");
        score.disableProperty().bind(Bindings.createBooleanBinding(() -> model.selectedRuns().size() != 1
                || !model.selectedRuns().get(0).hasCheckpoint(), model.selectedRuns()));
        score.setOnAction(e -> actions.score().run());
        Label status = new Label();
        status.setId("history-status");
        status.getStyleClass().add("drop-hint");
        status.textProperty().bind(model.historyStatusProperty());
        Label hint = new Label("Select two or more runs (Ctrl-click) to overlay their curves and list the settings "
                + "that differ.");
        hint.getStyleClass().add("drop-hint");
        HBox bar = new HBox(8, refresh, resume, score, status);
        bar.setAlignment(Pos.CENTER_LEFT);

        SplitPane lower = new SplitPane(compare.node(), diffTable());
        lower.setDividerPositions(0.68);
        SplitPane split = new SplitPane(runsTable(), lower);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.34);
        VBox.setVgrow(split, Priority.ALWAYS);
        VBox box = new VBox(6, bar, hint, split);
        box.setPadding(new Insets(6, 8, 8, 8));
        return box;
    }

    private Node runsTable() {
        TableView<RunSummary> table = new TableView<>(model.runs());
        table.setId("history-runs");
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setPlaceholder(new Label("No runs yet in this folder."));
        table.getColumns().add(text("Run", 170, RunSummary::name));
        table.getColumns().add(text("Status", 95, this::state));
        table.getColumns().add(text("Method", 60, RunSummary::method));
        table.getColumns().add(text("Steps", 80, RunSummary::progressText));
        TableColumn<RunSummary, Double> best = new TableColumn<>("Best validation (bits/base)");
        best.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().bestValidationLoss() / Math.log(2)));
        best.setCellFactory(c -> new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null || v.isNaN() ? "" : String.format(Locale.ROOT, "%.4f", v));
            }
        });
        best.setPrefWidth(150);
        table.getColumns().add(best);
        table.getColumns().add(text("Duration", 70, r -> FineTuneController.clock(r.trainingTime())));
        table.getColumns().add(text("Model", 110, RunSummary::modelName));
        table.getColumns().add(text("Data", 160, RunSummary::data));
        table.getColumns().add(text("Created", 120, r -> r.created() == null ? "" : CREATED.format(r.created())));
        table.getColumns().add(text("Note", 200, r -> r.problem().isEmpty() ? r.message() : r.problem()));
        table.getSelectionModel().getSelectedItems().addListener((ListChangeListener<RunSummary>) c -> {
            java.util.List<RunSummary> now = java.util.List.copyOf(table.getSelectionModel().getSelectedItems());
            if (!now.equals(model.selectedRuns())) {
                model.selectedRuns().setAll(now);
            }
        });
        model.selectedRuns().addListener((ListChangeListener<RunSummary>) c -> {
            if (!model.selectedRuns().equals(table.getSelectionModel().getSelectedItems())) {
                table.getSelectionModel().clearSelection();
                model.selectedRuns().forEach(r -> table.getSelectionModel().select(r));
            }
        });
        return table;
    }

    /** Running runs that are not this view's are runs a crash or a closed window interrupted. */
    private String state(RunSummary r) {
        if (r.state() == null) {
            return "unreadable";
        }
        if (r.state() == RunState.RUNNING && !(model.runningProperty().get()
                && r.folder().equals(model.currentRunProperty().get()))) {
            return "interrupted";
        }
        return r.state().key();
    }

    private Node diffTable() {
        TableView<FineTuneViewModel.DiffRow> table = new TableView<>(model.diff());
        table.setId("history-diff");
        table.setPlaceholder(new Label("Select two or more runs to see the settings that differ."));
        model.selectedRuns().addListener((ListChangeListener<RunSummary>) c -> columns(table));
        columns(table);
        return table;
    }

    private void columns(TableView<FineTuneViewModel.DiffRow> table) {
        table.getColumns().clear();
        TableColumn<FineTuneViewModel.DiffRow, String> name = text("Setting", 140, FineTuneViewModel.DiffRow::setting);
        table.getColumns().add(name);
        for (int i = 0; i < model.selectedRuns().size(); i++) {
            int k = i;
            table.getColumns().add(text(model.selectedRuns().get(i).name(), 150,
                    r -> k < r.values().size() ? r.values().get(k) : ""));
        }
    }
}
