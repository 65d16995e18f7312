package org.evo2wb.app.ui.score;

import java.util.List;
import java.util.Optional;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;
import org.evo2wb.engine.embed.EmbeddingFile;

/**
 * Asks for the settings of an embeddings export: the layers (a chooser of the model's blocks; sub-layers and several
 * comma-separated names can be typed), pooling (mean or none) and the file format.
 */
final class EmbeddingDialog {

    private EmbeddingDialog() {
    }

    static Optional<EmbeddingExport> ask(Window owner, List<String> layers, String suggested) {
        Dialog<EmbeddingExport> d = new Dialog<>();
        d.setTitle("Export embeddings");
        d.setHeaderText("The output of chosen layers for the scored stretch, as evo2wb embed writes it");
        if (owner != null) {
            d.initOwner(owner);
        }
        ComboBox<String> layer = new ComboBox<>();
        layer.setId("embed-layers");
        layer.setEditable(true);
        layer.getItems().setAll(layers);
        layer.setValue(suggested);
        layer.setPrefWidth(260);
        ChoiceBox<String> pool = new ChoiceBox<>();
        pool.setId("embed-pool");
        pool.getItems().setAll("mean", "none");
        pool.setValue("mean");
        ChoiceBox<EmbeddingFile.Format> format = new ChoiceBox<>();
        format.setId("embed-format");
        format.getItems().setAll(EmbeddingFile.Format.values());
        format.setValue(EmbeddingFile.Format.SAFETENSORS);
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(8);
        g.addRow(0, new Label("Layers"), layer);
        g.addRow(1, new Label("Pool"), pool);
        g.addRow(2, new Label("Format"), format);
        g.add(new Label("mean: one vector per layer; none: one per base. NPY holds one layer."), 0, 3, 2, 1);
        d.getDialogPane().setContent(g);
        d.getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
        d.getDialogPane().lookupButton(ButtonType.OK).setId("embed-ok");
        d.setResultConverter(b -> b == ButtonType.OK ? new EmbeddingExport(layer.getEditor().getText().strip(),
                "mean".equals(pool.getValue()), format.getValue()) : null);
        return d.showAndWait();
    }
}
