package org.evo2wb.app.ui.models;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.evo2wb.app.models.AvailableDevices;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.models.ModelInspection;
import org.evo2wb.app.models.ModelSource;
import org.evo2wb.app.ui.Workspace;
import org.evo2wb.engine.score.SelfTest;

/** State of the Models view, as properties only. The controller writes it; the view binds to it. */
public final class ModelsModel {

    private final ObservableList<ModelSource> sources = FXCollections.observableArrayList();
    private final ObjectProperty<ModelSource> selectedSource = new SimpleObjectProperty<>();
    private final StringProperty defaultModelNote = new SimpleStringProperty("");
    private final ObservableList<ModelInspection.ConfigChoice> configChoices = FXCollections.observableArrayList();
    private final ObjectProperty<ModelInspection.ConfigChoice> configChoice =
            new SimpleObjectProperty<>(ModelInspection.ConfigChoice.AUTOMATIC);
    private final ObjectProperty<ModelInspection> inspection = new SimpleObjectProperty<>();
    private final BooleanProperty inspecting = new SimpleBooleanProperty();
    private final ObservableList<AvailableDevices.Option> devices = FXCollections.observableArrayList();
    private final ObjectProperty<AvailableDevices.Option> device = new SimpleObjectProperty<>();
    private final StringProperty deviceNote = new SimpleStringProperty("");
    private final ObservableList<AvailableDevices.PrecisionChoice> precisions = FXCollections.observableArrayList();
    private final ObjectProperty<AvailableDevices.PrecisionChoice> precision = new SimpleObjectProperty<>();
    private final StringProperty precisionNote = new SimpleStringProperty("");
    private final BooleanProperty loading = new SimpleBooleanProperty();
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final ObservableList<LoadedModel> loaded;
    private final ObjectProperty<LoadedModel> current;
    private final ObjectProperty<LoadedModel> selectedLoaded = new SimpleObjectProperty<>();
    private final BooleanProperty selfTesting = new SimpleBooleanProperty();
    private final ObjectProperty<SelfTest.Report> selfTestReport = new SimpleObjectProperty<>();
    private final StringProperty selfTestText = new SimpleStringProperty("");

    ModelsModel(Workspace workspace) {
        this.loaded = workspace.models();
        this.current = workspace.currentModelProperty();
    }

    /** Model files that can be loaded: the bundled default model (when installed) and opened checkpoints. */
    public ObservableList<ModelSource> sources() {
        return sources;
    }

    public ObjectProperty<ModelSource> selectedSourceProperty() {
        return selectedSource;
    }

    /** Why the bundled default model is not listed; empty when it is. */
    public StringProperty defaultModelNoteProperty() {
        return defaultModelNote;
    }

    /** Automatic, each preset, and config files the user chose. */
    public ObservableList<ModelInspection.ConfigChoice> configChoices() {
        return configChoices;
    }

    public ObjectProperty<ModelInspection.ConfigChoice> configChoiceProperty() {
        return configChoice;
    }

    /** The selected source read with the chosen config; null while reading or when nothing is selected. */
    public ObjectProperty<ModelInspection> inspectionProperty() {
        return inspection;
    }

    public BooleanProperty inspectingProperty() {
        return inspecting;
    }

    public ObservableList<AvailableDevices.Option> devices() {
        return devices;
    }

    public ObjectProperty<AvailableDevices.Option> deviceProperty() {
        return device;
    }

    /** Why no GPU is offered (empty when GPUs are listed or before the engine was asked). */
    public StringProperty deviceNoteProperty() {
        return deviceNote;
    }

    /** Precisions of the chosen device, unavailable ones included (with their reason). */
    public ObservableList<AvailableDevices.PrecisionChoice> precisions() {
        return precisions;
    }

    public ObjectProperty<AvailableDevices.PrecisionChoice> precisionProperty() {
        return precision;
    }

    /** Why the unavailable precisions cannot be chosen. */
    public StringProperty precisionNoteProperty() {
        return precisionNote;
    }

    public BooleanProperty loadingProperty() {
        return loading;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    /** One line under the toolbar: what is being read or loaded, or what was. */
    public StringProperty statusProperty() {
        return status;
    }

    /** Models in memory (the workspace's list). */
    public ObservableList<LoadedModel> loaded() {
        return loaded;
    }

    /** The workspace's current model. */
    public ObjectProperty<LoadedModel> currentProperty() {
        return current;
    }

    public ObjectProperty<LoadedModel> selectedLoadedProperty() {
        return selectedLoaded;
    }

    public BooleanProperty selfTestingProperty() {
        return selfTesting;
    }

    /** The last self-test's report; null before the first or after another model was chosen. */
    public ObjectProperty<SelfTest.Report> selfTestReportProperty() {
        return selfTestReport;
    }

    /** The self-test's result for the user: a summary line and one line per sequence. */
    public StringProperty selfTestTextProperty() {
        return selfTestText;
    }
}
