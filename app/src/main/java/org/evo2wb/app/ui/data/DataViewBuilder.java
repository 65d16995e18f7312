package org.evo2wb.app.ui.data;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.beans.binding.Bindings;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.bio.Feature;

/** Builds the Data view's controls and binds them to a {@link DataModel}; user actions go to {@link Actions}. */
final class DataViewBuilder {

    /** What the view's buttons and drop target do. */
    record Actions(Runnable open, Consumer<List<Path>> openFiles, Runnable cancel, Runnable clear) {}

    private final DataModel model;
    private final Actions actions;

    DataViewBuilder(DataModel model, Actions actions) {
        this.model = model;
        this.actions = actions;
    }

    Node build() {
        BorderPane root = new BorderPane();
        root.setId("data-view");
        root.getStyleClass().add("data-view");
        root.setTop(toolbar());
        root.setCenter(body());
        acceptDroppedFiles(root);
        return root;
    }

    private Node toolbar() {
        Button open = new Button("Open…");
        open.setId("open-files");
        open.setOnAction(e -> actions.open().run());
        open.disableProperty().bind(model.loadingProperty());

        Button cancel = new Button("Cancel");
        cancel.setId("cancel-loading");
        cancel.setOnAction(e -> actions.cancel().run());
        cancel.disableProperty().bind(model.loadingProperty().not());

        Button clear = new Button("Close all");
        clear.setId("close-all");
        clear.setOnAction(e -> actions.clear().run());
        clear.disableProperty().bind(model.loadingProperty().or(Bindings.isEmpty(model.records())));

        ProgressBar progress = new ProgressBar();
        progress.setId("loading-progress");
        progress.setPrefWidth(180);
        progress.progressProperty().bind(model.progressProperty());
        progress.visibleProperty().bind(model.loadingProperty());
        progress.managedProperty().bind(model.loadingProperty());

        Label status = new Label();
        status.setId("data-status");
        status.textProperty().bind(model.statusProperty());
        status.getStyleClass().add("drop-hint");

        HBox bar = new HBox(open, cancel, clear, progress, status);
        bar.getStyleClass().add("data-toolbar");
        return bar;
    }

    private Node body() {
        TableView<LoadedRecord> records = RecordsTable.create(model.records());
        records.getSelectionModel().selectedItemProperty().addListener((obs, old, r) -> {
            if (r != null) {
                model.selectedProperty().set(r);
            }
        });
        model.selectedProperty().addListener((obs, old, r) -> {
            if (r != null && records.getSelectionModel().getSelectedItem() != r) {
                records.getSelectionModel().select(r);
            }
        });

        SequenceOverview overview = new SequenceOverview();
        overview.recordProperty().bind(model.selectedProperty());

        TableView<Feature> features = FeaturesTable.create();
        model.selectedProperty().addListener((obs, old, r) ->
                features.getItems().setAll(r == null ? List.of() : r.record().features()));
        overview.highlightedProperty().bind(features.getSelectionModel().selectedItemProperty());
        Label hover = new Label();
        hover.setId("overview-hover");
        hover.getStyleClass().add("drop-hint");
        hover.textProperty().bind(Bindings.createStringBinding(() -> overview.hoverTextProperty().get().isEmpty()
                ? "Point at a feature in the strip to name it; click a row below to mark it in the strip."
                : overview.hoverTextProperty().get(), overview.hoverTextProperty()));

        Label title = new Label();
        title.getStyleClass().add("section-title");
        title.textProperty().bind(Bindings.createStringBinding(() -> {
            LoadedRecord r = model.selectedProperty().get();
            return r == null ? "No record selected"
                    : r.id() + (r.record().description().isBlank() ? "" : ": " + r.record().description());
        }, model.selectedProperty()));

        Label warnings = new Label();
        warnings.setId("record-warnings");
        warnings.getStyleClass().add("warnings");
        warnings.setWrapText(true);
        warnings.textProperty().bind(Bindings.createStringBinding(() -> {
            LoadedRecord r = model.selectedProperty().get();
            return r == null || r.record().warnings().isEmpty() ? ""
                    : "Warnings: " + String.join("; ", r.record().warnings());
        }, model.selectedProperty()));
        warnings.visibleProperty().bind(warnings.textProperty().isNotEmpty());
        warnings.managedProperty().bind(warnings.visibleProperty());

        VBox detail = new VBox(6, title, overview, hover, warnings, features);
        detail.setStyle("-fx-padding: 6 8 8 8;");
        VBox.setVgrow(features, Priority.ALWAYS);

        javafx.scene.control.ListView<String> problems = new javafx.scene.control.ListView<>(model.problems());
        problems.setId("data-problems");
        problems.setPrefHeight(86);
        problems.setMinHeight(60);
        Label problemsTitle = new Label();
        problemsTitle.getStyleClass().add("section-title");
        problemsTitle.textProperty().bind(Bindings.size(model.problems()).asString("Problems (%d)"));
        VBox problemsBox = new VBox(4, problemsTitle, problems);
        problemsBox.setStyle("-fx-padding: 4 8 6 8;");
        problemsBox.visibleProperty().bind(Bindings.isNotEmpty(model.problems()));
        problemsBox.managedProperty().bind(problemsBox.visibleProperty());
        VBox top = new VBox(records, problemsBox);
        VBox.setVgrow(records, Priority.ALWAYS);
        SplitPane split = new SplitPane(top, detail);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.42);
        return split;
    }

    private void acceptDroppedFiles(Node target) {
        target.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles() && !model.loadingProperty().get()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        target.setOnDragEntered(e -> highlight(target, e, true));
        target.setOnDragExited(e -> highlight(target, e, false));
        target.setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles();
            if (ok) {
                actions.openFiles().accept(e.getDragboard().getFiles().stream().map(File::toPath).toList());
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    private static void highlight(Node target, DragEvent e, boolean on) {
        if (on && e.getDragboard().hasFiles()) {
            target.getStyleClass().add("drag-over");
        } else {
            target.getStyleClass().remove("drag-over");
        }
    }
}
