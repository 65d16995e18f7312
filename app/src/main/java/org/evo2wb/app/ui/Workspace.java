package org.evo2wb.app.ui;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.evo2wb.app.data.LoadedRecord;

/** The sequences open in the workbench, shared by all views (Data fills it; fine-tuning and scoring read it). */
public final class Workspace {

    private final ObservableList<LoadedRecord> records = FXCollections.observableArrayList();

    public ObservableList<LoadedRecord> records() {
        return records;
    }
}
