package org.evo2wb.app.ui.generate;

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
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.ui.Workspace;
import org.evo2wb.engine.generate.Generation;
import org.evo2wb.engine.generate.SamplingSettings;

/**
 * The Generate view's state: the prompt (a record and region, or typed bases), the sampling settings as typed, the
 * rows shown (the prompt and each sample, growing while the model writes) and the finished generation. FX thread
 * only.
 */
public final class GenerateModel {

    private final ObservableList<LoadedRecord> records;
    private final ObjectProperty<LoadedModel> current;
    private final ObjectProperty<LoadedRecord> record = new SimpleObjectProperty<>();
    private final StringProperty regionFrom = new SimpleStringProperty("");
    private final StringProperty regionTo = new SimpleStringProperty("");
    private final BooleanProperty typedPrompt = new SimpleBooleanProperty();
    private final StringProperty promptText = new SimpleStringProperty("");
    private final StringProperty length = new SimpleStringProperty("1000");
    private final StringProperty samples = new SimpleStringProperty("4");
    private final StringProperty temperature = new SimpleStringProperty("" + SamplingSettings.DEFAULT_TEMPERATURE);
    private final StringProperty topK = new SimpleStringProperty("" + SamplingSettings.DEFAULT_TOP_K);
    private final StringProperty topP = new SimpleStringProperty("" + SamplingSettings.DEFAULT_TOP_P);
    private final StringProperty seed = new SimpleStringProperty("" + SamplingSettings.DEFAULT_SEED);
    private final BooleanProperty running = new SimpleBooleanProperty();
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final ObservableList<SampleRow> rows = FXCollections.observableArrayList();
    private final ObjectProperty<SampleRow> selected = new SimpleObjectProperty<>();
    private final ObjectProperty<Generation> result = new SimpleObjectProperty<>();

    GenerateModel(Workspace workspace) {
        this.records = workspace.records();
        this.current = workspace.currentModelProperty();
    }

    public ObservableList<LoadedRecord> records() {
        return records;
    }

    public ObjectProperty<LoadedModel> currentProperty() {
        return current;
    }

    public ObjectProperty<LoadedRecord> recordProperty() {
        return record;
    }

    public StringProperty regionFromProperty() {
        return regionFrom;
    }

    public StringProperty regionToProperty() {
        return regionTo;
    }

    /** True to start from the typed bases instead of a record. */
    public BooleanProperty typedPromptProperty() {
        return typedPrompt;
    }

    public StringProperty promptTextProperty() {
        return promptText;
    }

    public StringProperty lengthProperty() {
        return length;
    }

    public StringProperty samplesProperty() {
        return samples;
    }

    public StringProperty temperatureProperty() {
        return temperature;
    }

    public StringProperty topKProperty() {
        return topK;
    }

    public StringProperty topPProperty() {
        return topP;
    }

    public StringProperty seedProperty() {
        return seed;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty statusProperty() {
        return status;
    }

    /** The prompt's row first, then one row per sample. */
    public ObservableList<SampleRow> rows() {
        return rows;
    }

    public ObjectProperty<SampleRow> selectedProperty() {
        return selected;
    }

    public ObjectProperty<Generation> resultProperty() {
        return result;
    }
}
