package org.evo2wb.app.ui.generate;

import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.SimpleStringProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.ui.Controls;

/** Builds the Generate view's controls and binds them to a {@link GenerateModel}. */
final class GenerateViewBuilder {

    /** What the view's buttons do. */
    record Actions(Runnable generate, Runnable stop, Runnable export, Runnable openInScore) {}

    private final GenerateModel model;
    private final Actions actions;

    GenerateViewBuilder(GenerateModel model, Actions actions) {
        this.model = model;
        this.actions = actions;
    }

    Node build() {
        BorderPane root = new BorderPane();
        root.setId("generate-view");
        root.setPadding(new Insets(8));
        root.setTop(new VBox(6, prompt(), settings()));
        root.setCenter(samples());
        root.setBottom(bottom());
        return root;
    }

    private Node prompt() {
        ComboBox<LoadedRecord> record = Controls.recordChooser("generate-record", model.records(), model.recordProperty());
        TextField from = field("generate-from", "from", 80, model.regionFromProperty());
        TextField to = field("generate-to", "to", 80, model.regionToProperty());
        CheckBox typed = new CheckBox("Typed prompt:");
        typed.setId("generate-typed");
        typed.selectedProperty().bindBidirectional(model.typedPromptProperty());
        TextField text = field("generate-prompt", "bases, e.g. ATGAAACGC…", 260, model.promptTextProperty());
        text.disableProperty().bind(typed.selectedProperty().not());
        record.disableProperty().bind(typed.selectedProperty());
        FlowPane row = new FlowPane(8, 6, new Label("Prompt:"), record, new Label("region"), from, to, typed, text);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private Node settings() {
        Button generate = new Button("Generate");
        generate.setId("generate-run");
        generate.setDefaultButton(true);
        generate.setOnAction(e -> actions.generate().run());
        generate.disableProperty().bind(model.runningProperty());
        Button stop = new Button("Stop");
        stop.setId("generate-stop");
        stop.setOnAction(e -> actions.stop().run());
        stop.disableProperty().bind(model.runningProperty().not());
        FlowPane row = new FlowPane(8, 6,
                new Label("Length"), field("generate-length", "bases", 70, model.lengthProperty()),
                new Label("Samples"), field("generate-samples", "n", 45, model.samplesProperty()),
                new Label("Temperature"), field("generate-temperature", "", 50, model.temperatureProperty()),
                new Label("Top-k"), field("generate-top-k", "", 40, model.topKProperty()),
                new Label("Top-p"), field("generate-top-p", "", 50, model.topPProperty()),
                new Label("Seed"), field("generate-seed", "", 70, model.seedProperty()),
                generate, stop);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private static TextField field(String id, String prompt, double width, javafx.beans.property.StringProperty p) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.setPrefWidth(width);
        f.textProperty().bindBidirectional(p);
        return f;
    }

    private Node samples() {
        TableView<SampleRow> table = new TableView<>(model.rows());
        table.setId("generate-samples");
        table.getColumns().add(column("Name", 200, SampleRow::name));
        table.getColumns().add(column("Length", 70, r -> String.format(Locale.ROOT, "%,d", r.bases().length())));
        table.getColumns().add(column("GC %", 60, SampleRow::gc));
        table.getColumns().add(column("Longest ORF", 100, SampleRow::orf));
        table.getColumns().add(column("Homopolymer", 90, SampleRow::homopolymer));
        table.getColumns().add(column("Repeated 12-mers", 110, SampleRow::repeats));
        table.getColumns().add(column("Mean log-lik.", 90, SampleRow::logLikelihood));
        table.getColumns().add(column("Last bases", 420, SampleRow::tail));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> model.selectedProperty().set(b));
        TextArea bases = new TextArea();
        bases.setId("generate-bases");
        bases.setEditable(false);
        bases.setWrapText(true);
        bases.setPrefRowCount(6);
        bases.setStyle("-fx-font-family: monospace;");
        model.selectedProperty().addListener((o, a, r) -> bases.setText(r == null ? "" : r.bases()));
        VBox box = new VBox(6, table, bases);
        VBox.setVgrow(table, javafx.scene.layout.Priority.ALWAYS);
        return box;
    }

    private static TableColumn<SampleRow, String> column(String title, double width, Function<SampleRow, String> f) {
        TableColumn<SampleRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(d -> new SimpleStringProperty(f.apply(d.getValue())));
        return c;
    }

    private Node bottom() {
        ProgressBar bar = new ProgressBar();
        bar.setId("generate-progress");
        bar.progressProperty().bind(model.progressProperty());
        bar.visibleProperty().bind(model.runningProperty());
        Label status = new Label();
        status.setId("generate-status");
        status.textProperty().bind(model.statusProperty());
        Button export = new Button("Export FASTA…");
        export.setId("generate-export");
        export.setOnAction(e -> actions.export().run());
        export.disableProperty().bind(model.resultProperty().isNull());
        Button score = new Button("Open in Score");
        score.setId("generate-open-in-score");
        score.setOnAction(e -> actions.openInScore().run());
        score.disableProperty().bind(model.resultProperty().isNull());
        HBox row = new HBox(8, export, score, bar, status);
        row.setAlignment(Pos.CENTER_LEFT);
        row.setPadding(new Insets(6, 0, 0, 0));
        return row;
    }
}
