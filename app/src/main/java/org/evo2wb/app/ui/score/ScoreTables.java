package org.evo2wb.app.ui.score;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.SortedList;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import org.evo2wb.engine.score.CodonEffects;
import org.evo2wb.engine.score.FeatureScores;
import org.evo2wb.engine.score.Mutagenesis;

/**
 * The tables under the browser: mean log P per feature (CDS, gene, RNA) for model A, B and Δ, and the most damaging
 * substitutions of the latest mutagenesis. Both sort by any column; clicking a row shows it in the browser.
 */
final class ScoreTables {

    /**
     * One substitution of a mutagenesis.
     *
     * @param position 1-based record position
     * @param delta log P(mutated window) − log P(reference window), nats
     */
    record Substitution(int position, char reference, char alternative, double delta, String effect,
                        String change) {}

    private final ScoreModel model;
    private final Navigation nav;
    private final ObservableList<FeatureScores.Row> features = FXCollections.observableArrayList();
    private final ObservableList<Substitution> substitutions = FXCollections.observableArrayList();

    ScoreTables(ScoreModel model, Navigation nav) {
        this.model = model;
        this.nav = nav;
    }

    TabPane build() {
        TableView<FeatureScores.Row> ft = featureTable();
        TableView<Substitution> st = substitutionTable();
        Tab f = new Tab("Features", ft);
        f.setId("score-features-tab");
        Tab s = new Tab("Most damaging substitutions", st);
        s.setId("score-substitutions-tab");
        TabPane tabs = new TabPane(f, s);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setId("score-tables");
        model.mutagenesisProperty().addListener((o, a, m) -> {
            if (m != null) {
                tabs.getSelectionModel().select(s);
            }
        });
        return tabs;
    }

    private TableView<FeatureScores.Row> featureTable() {
        SortedList<FeatureScores.Row> sorted = new SortedList<>(features);
        TableView<FeatureScores.Row> t = new TableView<>(sorted);
        sorted.comparatorProperty().bind(t.comparatorProperty());
        t.setId("score-features");
        t.setPlaceholder(new Label("Score a record with CDS, gene or RNA features to see their mean log P here."));
        TableColumn<FeatureScores.Row, Double> a = number("mean log P · A", FeatureScores.Row::meanA);
        TableColumn<FeatureScores.Row, Double> b = number("mean log P · B", FeatureScores.Row::meanB);
        TableColumn<FeatureScores.Row, Double> d = number("Δ B − A", FeatureScores.Row::delta);
        t.getColumns().add(text("Type", FeatureScores.Row::type));
        t.getColumns().add(text("Feature", FeatureScores.Row::name));
        t.getColumns().add(value("Start", r -> r.start()));
        t.getColumns().add(value("End", r -> r.end()));
        t.getColumns().add(value("Scored bases", r -> r.bases()));
        t.getColumns().add(a);
        t.getColumns().add(b);
        t.getColumns().add(d);
        t.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        model.resultProperty().addListener((o, old, r) -> {
            features.setAll(r == null ? List.of() : r.featureRows());
            boolean two = r != null && r.b() != null;
            a.setText(r == null ? "mean log P · A" : "mean log P · A: " + r.modelA());
            b.setText(two ? "mean log P · B: " + r.modelB() : "mean log P · B");
            d.setText(two ? "Δ  " + r.modelB() + " − " + r.modelA() : "Δ B − A");
            b.setVisible(two);
            d.setVisible(two);
        });
        t.getSelectionModel().selectedItemProperty().addListener((o, old, row) -> {
            if (row != null) {
                double margin = Math.max(10, (row.end() - row.start() + 1) / 10.0);
                nav.show(row.start() - 1 - margin, row.end() + margin);
                ScoreResult r = model.resultProperty().get();
                if (r != null) {
                    int s = (int) Math.max(r.offset(), row.start() - 1);
                    int e = (int) Math.min(r.end(), row.end());
                    model.selectionProperty().set(s < e ? new ScoreModel.Selection(s, e) : null);
                }
            }
        });
        return t;
    }

    private TableView<Substitution> substitutionTable() {
        SortedList<Substitution> sorted = new SortedList<>(substitutions);
        TableView<Substitution> t = new TableView<>(sorted);
        sorted.comparatorProperty().bind(t.comparatorProperty());
        t.setId("score-substitutions");
        t.setPlaceholder(new Label("Select bases in the browser and run Mutagenesis: its substitutions are listed "
                + "here, most damaging (lowest Δ) first."));
        TableColumn<Substitution, Double> delta = number("Δ log P", Substitution::delta);
        t.getColumns().add(value("Position", r -> r.position()));
        t.getColumns().add(text("Ref", r -> String.valueOf(r.reference())));
        t.getColumns().add(text("Alt", r -> String.valueOf(r.alternative())));
        t.getColumns().add(delta);
        t.getColumns().add(text("Effect", Substitution::effect));
        t.getColumns().add(text("Change", Substitution::change));
        t.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        delta.setSortType(TableColumn.SortType.ASCENDING);
        t.getSortOrder().add(delta);
        model.mutagenesisProperty().addListener((o, old, m) -> {
            substitutions.setAll(m == null ? List.of() : substitutions(m));
            delta.setText(m == null ? "Δ log P" : "Δ log P (" + m.modelName() + ")");
            t.getSortOrder().setAll(List.of(delta));
        });
        t.getSelectionModel().selectedItemProperty().addListener((o, old, row) -> {
            if (row != null) {
                nav.show(row.position() - 31, row.position() + 30);
            }
        });
        return t;
    }

    /** Every substitution of a mutagenesis (reference cells left out), in region order. */
    static List<Substitution> substitutions(MutagenesisData m) {
        Mutagenesis.Result r = m.result();
        List<Substitution> out = new ArrayList<>();
        int len = r.length();
        for (int i = 0; i < len; i++) {
            int ref = r.referenceIndex(i);
            for (int b = 0; b < 4; b++) {
                if (b == ref) {
                    continue;
                }
                CodonEffects.Call c = m.calls() == null ? null : m.calls()[b * len + i];
                out.add(new Substitution(r.start() + i + 1, r.reference().charAt(i), Mutagenesis.BASES.charAt(b),
                        r.delta(b, i), c == null ? "" : c.effect().label().replace('_', ' '),
                        c == null ? "" : c.change()));
            }
        }
        return out;
    }

    private static <R> TableColumn<R, String> text(String title, Function<R, String> f) {
        TableColumn<R, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        return c;
    }

    private static <R> TableColumn<R, Long> value(String title, Function<R, Number> f) {
        TableColumn<R, Long> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue()).longValue()));
        c.setStyle("-fx-alignment: CENTER-RIGHT;");
        return c;
    }

    private static <R> TableColumn<R, Double> number(String title, Function<R, Double> f) {
        TableColumn<R, Double> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        c.setStyle("-fx-alignment: CENTER-RIGHT;");
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null || v.isNaN() ? "" : String.format(Locale.ROOT, "%.4f", v));
            }
        });
        return c;
    }
}
