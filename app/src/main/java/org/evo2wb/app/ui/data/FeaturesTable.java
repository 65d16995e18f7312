package org.evo2wb.app.ui.data;

import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import org.evo2wb.bio.Feature;

/** The feature table of the selected record: type, location, strand, gene, product. */
final class FeaturesTable {

    private FeaturesTable() {}

    static TableView<Feature> create() {
        TableView<Feature> table = new TableView<>();
        table.setId("features-table");
        table.setPlaceholder(new Label("No features"));
        table.getColumns().add(column("Type", 110, Feature::type));
        table.getColumns().add(column("Location", 240, f -> f.location().text()));
        table.getColumns().add(column("Strand", 60, FeaturesTable::strand));
        table.getColumns().add(column("Gene", 120, f -> orEmpty(f.qualifier("gene"), f.qualifier("locus_tag"))));
        table.getColumns().add(column("Product", 360, f -> orEmpty(f.qualifier("product"), f.qualifier("note"))));
        return table;
    }

    private static String strand(Feature f) {
        return switch (f.location().strand()) {
            case FORWARD -> "+";
            case REVERSE -> "−";
            case UNKNOWN -> "";
        };
    }

    private static String orEmpty(String first, String second) {
        return first != null ? first : second != null ? second : "";
    }

    private static TableColumn<Feature, String> column(String title, double width, Function<Feature, String> value) {
        TableColumn<Feature, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
        return c;
    }
}
