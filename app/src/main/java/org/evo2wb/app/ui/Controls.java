package org.evo2wb.app.ui;

import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.collections.ObservableList;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.Region;
import javafx.util.StringConverter;
import org.evo2wb.app.data.LoadedRecord;

/** Small helpers for building toolbars: labels that stay readable when the window is narrow, a record chooser. */
public final class Controls {

    private Controls() {}

    /** Keeps a control at least as wide as its content, so a crowded toolbar never shortens it to "…". */
    public static <T extends Region> T unshrinkable(T control) {
        control.setMinWidth(Region.USE_PREF_SIZE);
        return control;
    }

    /** A label that keeps its full text. */
    public static Label label(String text) {
        return unshrinkable(new Label(text));
    }

    /**
     * A chooser of the records opened in Data ("NC_005816.1 (9,609 bp)"), bound both ways to {@code chosen}; the
     * Score and Generate views take their input from it.
     */
    public static ComboBox<LoadedRecord> recordChooser(String id, ObservableList<LoadedRecord> records,
                                                       ObjectProperty<LoadedRecord> chosen) {
        ComboBox<LoadedRecord> record = new ComboBox<>(records);
        record.setId(id);
        record.setPromptText("Record");
        record.setPrefWidth(210);
        record.valueProperty().bindBidirectional(chosen);
        record.setConverter(new StringConverter<>() {
            @Override
            public String toString(LoadedRecord r) {
                return r == null ? "" : String.format(Locale.ROOT, "%s (%,d bp)", r.id(), r.record().length());
            }

            @Override
            public LoadedRecord fromString(String s) {
                return null;
            }
        });
        return record;
    }
}
