package org.evo2wb.app.ui.data;

import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ObservableList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Pos;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import org.evo2wb.app.data.LoadedRecord;

/** The table of open records: id, description, length, topology, GC %, N %, lowercase %, features, file. */
final class RecordsTable {

    private RecordsTable() {}

    static TableView<LoadedRecord> create(ObservableList<LoadedRecord> records) {
        SortedList<LoadedRecord> sorted = new SortedList<>(records);
        TableView<LoadedRecord> table = new TableView<>(sorted);
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setId("records-table");
        table.setPlaceholder(new javafx.scene.control.Label("No records"));
        table.getColumns().add(text("ID", 130, LoadedRecord::id));
        table.getColumns().add(text("Description", 300, r -> r.record().description()));
        table.getColumns().add(number("Length (bp)", 95, r -> r.record().length(), "%,.0f"));
        table.getColumns().add(text("Topology", 75, r -> r.record().topology().name().toLowerCase(Locale.ROOT)));
        TableColumn<LoadedRecord, Number> gc = number("GC %", 60, LoadedRecord::gcPercent, "%.1f");
        explain(gc, "(G+C) / (A+C+G+T); N and other ambiguity codes are left out.");
        table.getColumns().add(gc);
        table.getColumns().add(number("N %", 60, LoadedRecord::nPercent, "%.2f"));
        TableColumn<LoadedRecord, Number> lower = number("Lowercase %", 108, LoadedRecord::lowercasePercent, "%.1f");
        explain(lower, "Share of lowercase bases. In FASTA files lowercase marks soft-masked repeats; "
                + "GenBank and EMBL files write every base in lowercase.");
        table.getColumns().add(lower);
        table.getColumns().add(number("Features", 70, LoadedRecord::featureCount, "%,.0f"));
        table.getColumns().add(text("File", 200, r -> r.file().getFileName().toString()));
        return table;
    }

    /** A header tooltip saying how a figure is computed. */
    private static void explain(TableColumn<LoadedRecord, ?> column, String text) {
        javafx.scene.control.Label header = new javafx.scene.control.Label(column.getText());
        header.setTooltip(new javafx.scene.control.Tooltip(text));
        column.setGraphic(header);
        column.setText(null);
    }

    static TableColumn<LoadedRecord, String> text(String title, double width, Function<LoadedRecord, String> value) {
        TableColumn<LoadedRecord, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
        return c;
    }

    /** A right-aligned numeric column that sorts by value and shows NaN as "–". */
    static TableColumn<LoadedRecord, Number> number(String title, double width,
            Function<LoadedRecord, Number> value, String format) {
        TableColumn<LoadedRecord, Number> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Number item, boolean empty) {
                super.updateItem(item, empty);
                setAlignment(Pos.CENTER_RIGHT);
                if (empty || item == null) {
                    setText(null);
                } else {
                    double v = item.doubleValue();
                    setText(Double.isNaN(v) ? "–" : String.format(Locale.ROOT, format, v));
                }
            }
        });
        return c;
    }
}
