package org.evo2wb.app.ui.models;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.evo2wb.app.models.CatalogRow;
import org.evo2wb.engine.hub.ModelNeeds;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;

/** Builds the **Get models…** pane from a {@link GetModelsController}. */
final class GetModelsViewBuilder {

    private final GetModelsController c;

    GetModelsViewBuilder(GetModelsController c) {
        this.c = c;
    }

    Node build() {
        Label title = new Label("Released Evo 2 checkpoints on the Hugging Face Hub (list checked "
                + c.catalog().checked() + ")");
        title.getStyleClass().add("section-title");

        TableView<CatalogRow> table = new TableView<>(c.rows());
        table.setId("catalog-table");
        table.getColumns().add(column("Model", r -> r.entry().name()));
        table.getColumns().add(column("Repository", r -> r.entry().repo()));
        table.getColumns().add(column("Parameters", CatalogRow::parameters));
        table.getColumns().add(column("Context", CatalogRow::context));
        table.getColumns().add(column("Preset", r -> r.entry().preset()));
        table.getColumns().add(column("Disk", CatalogRow::disk));
        table.getColumns().add(column("GPU, scoring 8,192", r -> need(r, "scoring")));
        table.getColumns().add(column("GPU, LoRA 8,192", r -> need(r, "LoRA")));
        table.getColumns().add(column("Note", r -> r.entry().fp8Warning().isPresent() ? "needs FP8" : ""));
        table.setPrefHeight(230);
        table.getSelectionModel().selectedItemProperty().addListener((o, a, r) -> c.selectedProperty().set(r));
        if (c.selectedProperty().get() != null) {
            table.getSelectionModel().select(c.selectedProperty().get());
        }

        Label details = new Label();
        details.setId("catalog-details");
        details.setWrapText(true);
        details.textProperty().bind(Bindings.createStringBinding(() -> details(c.selectedProperty().get()),
                c.selectedProperty()));

        Label folderLabel = new Label();
        folderLabel.textProperty().bind(Bindings.createStringBinding(() -> "Into: " + c.folderProperty().get()
                + "/<name>", c.folderProperty()));
        Button folder = new Button("Folder…");
        folder.setId("download-folder");
        folder.setOnAction(e -> c.chooseFolder());
        TextField revision = new TextField();
        revision.setId("download-revision");
        revision.setPrefColumnCount(10);
        revision.textProperty().bindBidirectional(c.revisionProperty());
        Button download = new Button("Download");
        download.setId("download-model");
        download.disableProperty().bind(c.selectedProperty().isNull());
        download.setOnAction(e -> c.downloadSelected());
        HBox actions = new HBox(8, download, new Label("revision"), revision, folder, folderLabel);

        ListView<GetModelsController.Row> queue = new ListView<>(c.downloads());
        queue.setId("download-queue");
        queue.setPlaceholder(new Label("No downloads yet. Every file is checked against its published checksum; an "
                + "interrupted download resumes where it stopped."));
        queue.setPrefHeight(120);
        Button cancel = new Button("Cancel");
        cancel.setId("cancel-download");
        cancel.disableProperty().bind(queue.getSelectionModel().selectedItemProperty().isNull());
        cancel.setOnAction(e -> c.cancel(queue.getSelectionModel().getSelectedItem()));

        Label gpuTitle = new Label("GPU runtime");
        gpuTitle.getStyleClass().add("section-title");
        Label gpu = new Label();
        gpu.setId("gpu-driver");
        gpu.setWrapText(true);
        gpu.textProperty().bind(c.gpuTextProperty());
        Button setUp = new Button("Set up GPU runtime");
        setUp.setId("setup-gpu");
        setUp.setTooltip(new javafx.scene.control.Tooltip("Downloads PyTorch's libtorch 2.7.1 for CUDA 12.8 (a few GB), "
                + "checks its SHA-256, unpacks it into ~/.evo2wb/runtime and uses it from the next start."));
        setUp.setOnAction(e -> c.setUpGpu());
        TextArea check = new TextArea();
        check.setId("gpu-check");
        check.setEditable(false);
        check.setPrefRowCount(5);
        check.textProperty().bind(c.checkTextProperty());
        check.visibleProperty().bind(c.checkTextProperty().isNotEmpty());
        check.managedProperty().bind(check.visibleProperty());

        VBox root = new VBox(8, title, table, details, actions, new Label("Downloads"), queue, cancel, gpuTitle, gpu,
                setUp, check);
        VBox.setVgrow(table, Priority.ALWAYS);
        root.setPadding(new Insets(10));
        root.setId("get-models");
        return root;
    }

    private static TableColumn<CatalogRow, String> column(String name,
                                                          java.util.function.Function<CatalogRow, String> f) {
        TableColumn<CatalogRow, String> col = new TableColumn<>(name);
        col.setCellValueFactory(cd -> new ReadOnlyStringWrapper(f.apply(cd.getValue())));
        return col;
    }

    /** The 8,192-base figure of a task and where it fits. */
    static String need(CatalogRow r, String task) {
        for (int i = 0; i < r.needs().size(); i++) {
            ModelNeeds.Need n = r.needs().get(i);
            if (n.task().equals(task) && n.window() == 8_192) {
                return TrainingMemoryEstimate.bytes(n.bytes()) + " (" + r.fits().get(i) + ")";
            }
        }
        return "";
    }

    static String details(CatalogRow r) {
        if (r == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(r.entry().description()).append('\n')
                .append("Files: ").append(r.files()).append('\n')
                .append("GPU memory (batch 1, fp16): ").append(String.join("; ", r.needLines()));
        r.entry().fp8Warning().ifPresent(w -> b.append('\n').append(w));
        return b.toString();
    }
}
