package org.evo2wb.app.ui;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.models.AvailableDevices;
import org.evo2wb.app.models.LoadedModel;

/**
 * What is open in the workbench, shared by all views: the sequences (Data fills the list; fine-tuning and scoring
 * read it) and the models in memory (the Models view fills the list and sets the current model).
 *
 * <p>A view that runs a model reads {@link #currentModelProperty()} (and listens to it to follow the user's
 * choice), takes a {@link LoadedModel#lease()} for the duration of its task, and closes the lease when the task
 * ends. Use the lists and properties on the FX thread only.
 */
public final class Workspace {

    private final ObservableList<LoadedRecord> records = FXCollections.observableArrayList();
    private final ObservableList<LoadedModel> models = FXCollections.observableArrayList();
    private final ObjectProperty<LoadedModel> currentModel = new SimpleObjectProperty<>();
    private final ObjectProperty<AvailableDevices.Detection> devices = new SimpleObjectProperty<>();

    public ObservableList<LoadedRecord> records() {
        return records;
    }

    /** Models loaded into memory, in the order they were loaded. */
    public ObservableList<LoadedModel> models() {
        return models;
    }

    /** The model views use unless told otherwise (scoring, fine-tuning); null when none is loaded. */
    public ObjectProperty<LoadedModel> currentModelProperty() {
        return currentModel;
    }

    public LoadedModel currentModel() {
        return currentModel.get();
    }

    /**
     * The devices found (the Models view looks for GPUs when it opens): the Fine-tune view resolves its device setting
     * against them; null until the search ends.
     */
    public ObjectProperty<AvailableDevices.Detection> devicesProperty() {
        return devices;
    }
}
