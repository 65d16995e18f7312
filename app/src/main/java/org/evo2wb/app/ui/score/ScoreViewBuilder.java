package org.evo2wb.app.ui.score;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.ui.Controls;
import org.evo2wb.engine.score.Mutagenesis;

/** Builds the Score view's controls around the browser and binds them to a {@link ScoreModel}. */
final class ScoreViewBuilder {

    /** What the view's controls do. */
    record Actions(Runnable score, Runnable cancel, Runnable mutagenesis, Runnable cancelMutagenesis,
                   Consumer<String> goTo, Navigation nav, Function<ScoreController.Export, ?> export, Runnable swap,
                   Function<LoadedModel, String> label, java.util.function.IntSupplier context,
                   Runnable embeddings) {}

    private final ScoreModel model;
    private final BrowserView browser;
    private final Actions actions;

    ScoreViewBuilder(ScoreModel model, BrowserView browser, Actions actions) {
        this.model = model;
        this.browser = browser;
        this.actions = actions;
    }

    Node build() {
        BorderPane root = new BorderPane();
        root.setId("score-view");
        root.setTop(new VBox(input(), pasteArea(), navigation()));
        ScrollPane scroll = new ScrollPane(browser);
        scroll.setId("score-scroll");
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        javafx.scene.control.SplitPane split = new javafx.scene.control.SplitPane(scroll,
                new ScoreTables(model, actions.nav()).build());
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.68);
        root.setCenter(split);
        root.setBottom(bottom());
        return root;
    }

    private Node input() {
        ComboBox<LoadedRecord> record = Controls.recordChooser("score-record", model.records(), model.recordProperty());
        record.disableProperty().bind(model.pasteModeProperty());
        TextField from = field("score-from", "from", model.regionFromProperty());
        TextField to = field("score-to", "to", model.regionToProperty());
        from.disableProperty().bind(model.pasteModeProperty());
        to.disableProperty().bind(model.pasteModeProperty());
        ToggleButton paste = new ToggleButton("Paste sequence");
        paste.setId("score-paste-mode");
        paste.selectedProperty().bindBidirectional(model.pasteModeProperty());

        ComboBox<LoadedModel> modelA = new ComboBox<>(model.models());
        modelA.setId("score-model");
        modelA.getStyleClass().add("score-model");
        modelA.setPromptText("no model loaded");
        modelA.setPrefWidth(170);
        modelA.setMinWidth(110);
        modelA.valueProperty().bindBidirectional(model.currentProperty());
        modelA.setCellFactory(l -> modelCell("no model loaded"));
        modelA.setButtonCell(modelCell("no model loaded"));
        Tooltip full = new Tooltip();
        full.textProperty().bind(Bindings.createStringBinding(() -> model.currentProperty().get() == null
                ? "Load a model in Models" : model.currentProperty().get().name() + String.format(Locale.ROOT,
                " · context %,d bases", model.currentProperty().get().context()), model.currentProperty()));
        modelA.setTooltip(full);
        Label fp8 = new Label("⚠ FP8");
        fp8.setId("score-fp8-warning");
        fp8.getStyleClass().add("fp8-badge");
        Tooltip fp8Text = new Tooltip();
        fp8Text.setWrapText(true);
        fp8Text.setMaxWidth(520);
        fp8.setTooltip(fp8Text);
        fp8Text.textProperty().bind(Bindings.createStringBinding(() -> {
            LoadedModel m = model.currentProperty().get();
            return m == null ? "" : m.inspection().fp8Warning().orElse("");
        }, model.currentProperty()));
        fp8.visibleProperty().bind(fp8Text.textProperty().isNotEmpty());
        fp8.managedProperty().bind(fp8.visibleProperty());
        ComboBox<LoadedModel> compare = new ComboBox<>(model.models());
        compare.setId("score-compare");
        compare.setPromptText("none");
        compare.setPrefWidth(170);
        compare.setMinWidth(110);
        compare.valueProperty().bindBidirectional(model.compareProperty());
        compare.setTooltip(new Tooltip("A second loaded model (a fine-tuned one, say): it scores the same bases and "
                + "the Δ track shows B − A."));
        compare.setCellFactory(l -> modelCell("none"));
        compare.setButtonCell(modelCell("none"));
        Button swap = new Button("⇄");
        swap.setId("score-swap");
        swap.setTooltip(new Tooltip("Swap models A and B"));
        swap.setOnAction(e -> actions.swap().run());
        swap.disableProperty().bind(model.compareProperty().isNull().or(model.currentProperty().isNull()));
        Button clearCompare = new Button("×");
        clearCompare.setTooltip(new Tooltip("Score with model A only"));
        clearCompare.setOnAction(e -> model.compareProperty().set(null));
        clearCompare.disableProperty().bind(model.compareProperty().isNull());

        HBox bar = new HBox(Controls.unshrinkable(record), Controls.label("bases"), Controls.unshrinkable(from),
                Controls.label("–"), Controls.unshrinkable(to), Controls.unshrinkable(paste),
                new Separator(javafx.geometry.Orientation.VERTICAL), Controls.label("Model A"), modelA,
                Controls.unshrinkable(fp8), Controls.unshrinkable(swap), Controls.label("B"), compare,
                Controls.unshrinkable(clearCompare));
        bar.getStyleClass().add("data-toolbar");
        bar.setAlignment(Pos.CENTER_LEFT);

        Button score = new Button("Score");
        score.setId("score-run");
        score.getStyleClass().add("primary-button");
        score.setOnAction(e -> actions.score().run());
        Button cancel = new Button("Cancel");
        cancel.setId("score-cancel");
        cancel.setOnAction(e -> actions.cancel().run());
        cancel.disableProperty().bind(model.scoringProperty().not());
        ProgressBar progress = new ProgressBar();
        progress.setId("score-progress");
        progress.setPrefWidth(140);
        progress.progressProperty().bind(model.progressProperty());
        progress.visibleProperty().bind(model.scoringProperty());
        progress.managedProperty().bind(model.scoringProperty());
        CheckBox bos = new CheckBox("Score the first base (BOS)");
        bos.setId("score-bos");
        bos.selectedProperty().bindBidirectional(model.bosProperty());
        bos.setTooltip(new Tooltip("Prepend Evo 2's end-of-document token so the first base gets a score too."));
        CheckBox upper = new CheckBox("Upper-case bases");
        upper.setId("score-upper");
        upper.selectedProperty().bindBidirectional(model.upperCaseProperty());
        upper.setTooltip(new Tooltip("Evo 2 reads bases as bytes and was trained on upper case; GenBank and EMBL "
                + "files write lower case."));
        Label status = new Label();
        status.setId("score-status");
        status.getStyleClass().add("drop-hint");
        status.textProperty().bind(model.statusProperty());
        status.setMinWidth(0);
        HBox.setHgrow(status, Priority.ALWAYS);
        TextField window = field("score-window", "", model.windowProperty());
        window.setPrefColumnCount(5);
        window.promptTextProperty().bind(Bindings.createStringBinding(() -> String.format(Locale.ROOT, "%,d",
                actions.context().getAsInt()), model.currentProperty(), model.compareProperty()));
        window.setTooltip(new Tooltip("Bases one forward pass sees. Blank: the models' context (their config's, or "
                + "the window a fine-tuned model was trained with). Longer windows go beyond what the model was "
                + "built for, and the status line warns."));
        HBox run = new HBox(Controls.unshrinkable(score), Controls.unshrinkable(cancel), progress,
                Controls.label("window"), Controls.unshrinkable(window), Controls.unshrinkable(bos),
                Controls.unshrinkable(upper), status);
        run.getStyleClass().add("data-toolbar");
        run.setAlignment(Pos.CENTER_LEFT);
        return new VBox(bar, run);
    }

    private Node pasteArea() {
        TextArea text = new TextArea();
        text.setId("score-pasted");
        text.setPromptText("Paste bases or FASTA here (one sequence; digits and spaces are ignored)");
        text.setPrefRowCount(3);
        text.setWrapText(true);
        text.textProperty().bindBidirectional(model.pastedTextProperty());
        text.visibleProperty().bind(model.pasteModeProperty());
        text.managedProperty().bind(model.pasteModeProperty());
        text.setStyle("-fx-font-family: monospace;");
        VBox box = new VBox(text);
        box.setStyle("-fx-padding: 0 8 6 8;");
        box.visibleProperty().bind(model.pasteModeProperty());
        box.managedProperty().bind(model.pasteModeProperty());
        return box;
    }

    private Node navigation() {
        TextField locus = new TextField();
        locus.setId("score-locus");
        locus.setPrefColumnCount(22);
        locus.setPromptText("position, range or feature name");
        locus.textProperty().bindBidirectional(model.locusProperty());
        locus.setOnAction(e -> actions.goTo().accept(locus.getText()));
        Button go = new Button("Go");
        go.setId("score-go");
        go.setOnAction(e -> actions.goTo().accept(locus.getText()));
        Button out = new Button("−");
        out.setTooltip(new Tooltip("Zoom out (−)"));
        out.setOnAction(e -> actions.nav().zoomCentre(2));
        Button in = new Button("+");
        in.setTooltip(new Tooltip("Zoom in (+)"));
        in.setOnAction(e -> actions.nav().zoomCentre(0.5));
        Button whole = new Button("Whole");
        whole.setId("score-whole");
        whole.setTooltip(new Tooltip("Show all scored bases (Home)"));
        whole.setOnAction(e -> actions.nav().whole());
        Button prev = new Button("◀ feature");
        prev.setTooltip(new Tooltip("Previous feature (B)"));
        prev.setOnAction(e -> actions.nav().nextFeature(false));
        Button next = new Button("feature ▶");
        next.setTooltip(new Tooltip("Next feature (F)"));
        next.setOnAction(e -> actions.nav().nextFeature(true));
        ComboBox<DisplayMode> mode = new ComboBox<>();
        mode.setId("score-mode");
        mode.getItems().setAll(DisplayMode.values());
        mode.valueProperty().bindBidirectional(model.modeProperty());
        ComboBox<Windowing> window = new ComboBox<>();
        window.setId("score-windowing");
        window.getItems().setAll(Windowing.values());
        window.valueProperty().bindBidirectional(model.windowingProperty());
        window.setTooltip(new Tooltip("What a pixel shows when it covers several bases"));
        Spinner<Integer> smooth = new Spinner<>(1, 10_001, 1, 10);
        smooth.setId("score-smoothing");
        smooth.setEditable(true);
        smooth.setPrefWidth(85);
        smooth.setTooltip(new Tooltip("Draw each track as the mean of this many bases centred on each base "
                + "(1: the bases' own values). Exports of tables keep the per-base values."));
        smooth.getValueFactory().valueProperty().addListener((o, a, b) -> model.smoothingProperty().set(b));
        MenuButton export = new MenuButton("Export");
        export.setId("score-export");
        for (ScoreController.Export k : ScoreController.Export.values()) {
            MenuItem item = new MenuItem(k.label + "…");
            item.setOnAction(e -> actions.export().apply(k));
            export.getItems().add(item);
        }
        MenuItem embeddings = new MenuItem("Embeddings…");
        embeddings.setId("score-export-embeddings");
        embeddings.setOnAction(e -> actions.embeddings().run());
        export.getItems().addAll(new javafx.scene.control.SeparatorMenuItem(), embeddings);
        export.disableProperty().bind(model.resultProperty().isNull());
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox bar = new HBox(locus, Controls.unshrinkable(go), Controls.unshrinkable(out), Controls.unshrinkable(in),
                Controls.unshrinkable(whole), Controls.unshrinkable(prev), Controls.unshrinkable(next),
                Controls.label("Display"), Controls.unshrinkable(mode), Controls.label("Window"),
                Controls.unshrinkable(window), Controls.label("Smooth"), Controls.unshrinkable(smooth),
                Controls.label("bp"), spring, Controls.unshrinkable(export));
        bar.getStyleClass().addAll("data-toolbar", "score-navigation");
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.disableProperty().bind(model.resultProperty().isNull());
        return bar;
    }

    private Node bottom() {
        Label selection = new Label();
        selection.setId("score-selection");
        selection.textProperty().bind(Bindings.createStringBinding(() -> {
            ScoreModel.Selection s = model.selectionProperty().get();
            return s == null ? "No bases selected (shift-drag in the browser, or click a feature)"
                    : String.format(Locale.ROOT, "Selected %,d-%,d (%,d bp)", s.start() + 1, s.end(), s.length());
        }, model.selectionProperty()));
        Spinner<Integer> context = new Spinner<>(0, 8192, 200, 50);
        context.setId("score-context");
        context.setEditable(true);
        context.setPrefWidth(90);
        context.getValueFactory().valueProperty().addListener((o, a, b) -> model.contextProperty().set(b));
        model.contextProperty().addListener((o, a, b) -> context.getValueFactory().setValue(b.intValue()));
        Button run = new Button("Mutagenesis");
        run.setId("score-mutagenesis");
        run.setTooltip(new Tooltip("All three substitutions at every selected base (at most "
                + Mutagenesis.MAX_REGION + "), scored in a window of the selection ± context"));
        run.setOnAction(e -> actions.mutagenesis().run());
        run.disableProperty().bind(Bindings.createBooleanBinding(() -> {
            ScoreModel.Selection s = model.selectionProperty().get();
            return s == null || s.length() > Mutagenesis.MAX_REGION || model.currentProperty().get() == null;
        }, model.selectionProperty(), model.currentProperty()));
        Button cancel = new Button("Cancel");
        cancel.setId("score-mutagenesis-cancel");
        cancel.setOnAction(e -> actions.cancelMutagenesis().run());
        cancel.disableProperty().bind(model.mutatingProperty().not());
        ProgressBar progress = new ProgressBar();
        progress.setPrefWidth(120);
        progress.progressProperty().bind(model.mutagenesisProgressProperty());
        progress.visibleProperty().bind(model.mutatingProperty());
        progress.managedProperty().bind(model.mutatingProperty());
        Label status = new Label();
        status.setId("score-mutagenesis-status");
        status.getStyleClass().add("drop-hint");
        status.textProperty().bind(model.mutagenesisStatusProperty());
        status.setMinWidth(0);
        HBox bar = new HBox(Controls.unshrinkable(selection), Controls.label("context ±"),
                Controls.unshrinkable(context), Controls.label("bp"), Controls.unshrinkable(run),
                Controls.unshrinkable(cancel), progress, status);
        bar.getStyleClass().add("data-toolbar");
        bar.setAlignment(Pos.CENTER_LEFT);
        Label hover = new Label();
        hover.setId("score-hover");
        hover.getStyleClass().add("score-hover");
        hover.textProperty().bind(Bindings.createStringBinding(() -> model.hoverTextProperty().get().isEmpty()
                ? "Drag to pan · wheel to zoom · double-click to zoom in · shift-drag to select · F / B next / "
                + "previous feature" : model.hoverTextProperty().get(), model.hoverTextProperty()));
        return new VBox(bar, hover);
    }

    private ListCell<LoadedModel> modelCell(String empty) {
        return new ListCell<>() {
            @Override
            protected void updateItem(LoadedModel m, boolean isEmpty) {
                super.updateItem(m, isEmpty);
                setText(isEmpty || m == null ? empty : actions.label().apply(m));
            }
        };
    }

    private static TextField field(String id, String prompt, javafx.beans.property.StringProperty p) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.setPrefColumnCount(6);
        f.textProperty().bindBidirectional(p);
        return f;
    }
}
