package org.evo2wb.app.ui.data;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ObservableList;
import org.evo2wb.app.data.LoadedRecord;

/** State of the Data view, as properties only. The controller writes it; the view binds to it. */
public final class DataModel {

    private final ObservableList<LoadedRecord> records;
    private final ObjectProperty<LoadedRecord> selected = new SimpleObjectProperty<>();
    private final BooleanProperty loading = new SimpleBooleanProperty();
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final ObservableList<String> problems = javafx.collections.FXCollections.observableArrayList();

    DataModel(ObservableList<LoadedRecord> records) {
        this.records = records;
    }

    /** The open records, in the order they were loaded (the workspace's list). */
    public ObservableList<LoadedRecord> records() {
        return records;
    }

    /** The record shown in the feature table and the overview. */
    public ObjectProperty<LoadedRecord> selectedProperty() {
        return selected;
    }

    /** True while files are being read. */
    public BooleanProperty loadingProperty() {
        return loading;
    }

    /** Loading progress in [0, 1], -1 when unknown. */
    public DoubleProperty progressProperty() {
        return progress;
    }

    /** One line under the toolbar: what is loading, or what is open. */
    public StringProperty statusProperty() {
        return status;
    }

    /**
     * What went wrong while opening files, one line per problem naming the file (and the record and line where
     * known): files that could not be read and records read with warnings. Kept until Close all.
     */
    public ObservableList<String> problems() {
        return problems;
    }
}
