package org.evo2wb.app.ui.variants;

import java.util.Locale;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.evo2wb.engine.variants.DeltaHistogram;
import org.evo2wb.engine.variants.VariantRow;

/** Builds the Variants view in code from a {@link VariantsModel} and the controller's actions. */
final class VariantsViewBuilder {

    static final int BINS = 30;

    record Actions(Runnable run, Runnable cancel, Runnable chooseVcf, Runnable chooseReference,
                   Runnable chooseLabels, Consumer<VariantRow> showInScore) {
    }

    private final VariantsModel model;
    private final Actions actions;

    VariantsViewBuilder(VariantsModel model, Actions actions) {
        this.model = model;
        this.actions = actions;
    }

    Node build() {
        VBox root = new VBox(8, form(), status(), results());
        root.setPadding(new Insets(10));
        root.setId("variants-view");
        return root;
    }

    private Node form() {
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(6);
        TextField vcf = field("variants-vcf", model.vcfProperty(), "VCF file (.vcf or .vcf.gz)");
        TextField ref = field("variants-reference", model.referenceProperty(), "Reference genome FASTA");
        TextField out = field("variants-out", model.outProperty(), "Scored VCF to write");
        TextField window = field("variants-window", model.windowProperty(), "default: 8,192 or the model's context");
        TextField label = field("variants-label", model.labelProperty(),
                "INFO key or label table (chrom, pos, ref, alt, label); optional");
        Button chooseLabels = new Button("Table…");
        chooseLabels.setId("variants-choose-labels");
        chooseLabels.setOnAction(e -> actions.chooseLabels().run());
        Button chooseVcf = new Button("Choose…");
        chooseVcf.setOnAction(e -> actions.chooseVcf().run());
        Button chooseRef = new Button("Choose…");
        chooseRef.setOnAction(e -> actions.chooseReference().run());
        Button run = new Button("Score variants");
        run.setId("variants-run");
        run.setDefaultButton(true);
        run.disableProperty().bind(model.runningProperty());
        run.setOnAction(e -> actions.run().run());
        Button cancel = new Button("Cancel");
        cancel.disableProperty().bind(model.runningProperty().not());
        cancel.setOnAction(e -> actions.cancel().run());
        g.addRow(0, new Label("VCF"), vcf, chooseVcf);
        g.addRow(1, new Label("Reference"), ref, chooseRef);
        g.addRow(2, new Label("Output VCF"), out);
        g.addRow(3, new Label("Window"), window, new Label("Labels"), label, chooseLabels);
        g.addRow(4, new HBox(6, run, cancel));
        GridPane.setHgrow(vcf, Priority.ALWAYS);
        GridPane.setHgrow(ref, Priority.ALWAYS);
        GridPane.setHgrow(out, Priority.ALWAYS);
        return g;
    }

    private static TextField field(String id, javafx.beans.property.StringProperty p, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.textProperty().bindBidirectional(p);
        return f;
    }

    private Node status() {
        ProgressBar bar = new ProgressBar();
        bar.progressProperty().bind(model.progressProperty());
        bar.visibleProperty().bind(model.runningProperty());
        Label text = new Label();
        text.setId("variants-status");
        text.textProperty().bind(model.statusProperty());
        text.setWrapText(true);
        Label auroc = new Label();
        auroc.setId("variants-auroc");
        auroc.textProperty().bind(model.aurocProperty());
        return new VBox(4, new HBox(8, bar, text), auroc);
    }

    private Node results() {
        TableView<VariantRow> table = new TableView<>();
        table.setId("variants-table");
        table.getColumns().add(column("Contig", VariantRow::chrom));
        table.getColumns().add(column("Position", VariantRow::pos));
        table.getColumns().add(column("ID", VariantRow::id));
        table.getColumns().add(column("REF", VariantRow::ref));
        table.getColumns().add(column("ALT", VariantRow::alt));
        table.getColumns().add(column("Label", r -> r.label() == null ? "" : r.label() ? "1" : "0"));
        table.getColumns().add(column("Δ log-likelihood", r -> r.scored() ? r.delta() : null));
        table.getColumns().add(column("Status", VariantRow::status));
        FilteredList<VariantRow> filtered = new FilteredList<>(model.rows());
        model.filterProperty().addListener((obs, o, text) -> filtered.setPredicate(matching(text)));
        SortedList<VariantRow> sorted = new SortedList<>(filtered);
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        table.getSelectionModel().selectedItemProperty().addListener((obs, o, r) -> model.selectedProperty().set(r));
        table.setRowFactory(tv -> {
            TableRow<VariantRow> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    actions.showInScore().accept(row.getItem());
                }
            });
            return row;
        });
        TextField filter = field("variants-filter", model.filterProperty(), "Filter: id, contig, position, allele or "
                + "status");
        Button show = new Button("Show in Score view");
        show.setId("variants-show");
        show.disableProperty().bind(model.selectedProperty().isNull());
        show.setOnAction(e -> actions.showInScore().accept(model.selectedProperty().get()));
        HBox.setHgrow(filter, Priority.ALWAYS);
        VBox left = new VBox(6, new HBox(6, filter, show), table);
        VBox.setVgrow(table, Priority.ALWAYS);

        CategoryAxis x = new CategoryAxis();
        x.setLabel("Δ log-likelihood (nats per base)");
        NumberAxis y = new NumberAxis();
        y.setLabel("alleles");
        BarChart<String, Number> chart = new BarChart<>(x, y);
        chart.setId("variants-histogram");
        chart.setTitle("Δ by label");
        chart.setAnimated(false);
        chart.setBarGap(0);
        chart.setCategoryGap(1);
        model.rows().addListener((ListChangeListener<VariantRow>) c -> redraw(chart));
        SplitPane split = new SplitPane(left, chart);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.6);
        VBox.setVgrow(split, Priority.ALWAYS);
        return split;
    }

    /** One series per label class, bins of {@link DeltaHistogram}. */
    private void redraw(BarChart<String, Number> chart) {
        DeltaHistogram h = DeltaHistogram.of(model.rows(), BINS);
        String[] names = {"label 1", "label 0", "no label"};
        chart.getData().clear();
        for (int c = 0; c < 3; c++) {
            long total = 0;
            XYChart.Series<String, Number> s = new XYChart.Series<>();
            s.setName(names[c]);
            for (int b = 0; b < h.bins(); b++) {
                s.getData().add(new XYChart.Data<>(String.format(Locale.ROOT, "%.4f", h.centre(b)), h.counts()[c][b]));
                total += h.counts()[c][b];
            }
            if (total > 0) {
                chart.getData().add(s);
            }
        }
    }

    static java.util.function.Predicate<VariantRow> matching(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            return r -> true;
        }
        return r -> (r.chrom() + " " + r.pos() + " " + r.id() + " " + r.ref() + " " + r.alt() + " " + r.status())
                .toLowerCase(Locale.ROOT).contains(t);
    }

    private static <T> TableColumn<VariantRow, T> column(String title, java.util.function.Function<VariantRow, T> f) {
        TableColumn<VariantRow, T> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        return c;
    }
}
