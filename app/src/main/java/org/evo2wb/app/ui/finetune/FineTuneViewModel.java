package org.evo2wb.app.ui.finetune;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.evo2wb.engine.train.run.RunSummary;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.Hyperparameter;
import org.evo2wb.engine.train.settings.Preset;

/** State of the Fine-tune view, as properties only. The controller writes it; the view binds to it. */
public final class FineTuneViewModel {

    /** How the validation records are chosen. */
    public enum ValidationMode {
        SPLIT("Split by record; one record: blocks of it, a window apart (validation fraction, seed)"),
        CHOSEN("Records ticked in the Validation column");

        private final String label;

        ValidationMode(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** A row of the comparison's table: a setting and its value in each compared run. */
    public record DiffRow(String setting, List<String> values) {}

    /** "Whole records" or one feature type with its count among the chosen records. */
    public record FeatureChoice(String type, int count) {
        static final FeatureChoice WHOLE = new FeatureChoice(null, 0);

        @Override
        public String toString() {
            return type == null ? "Whole records" : type + " features (" + count + ")";
        }
    }

    private final Map<String, FieldState> fields;
    private final ObjectProperty<Preset> preset = new SimpleObjectProperty<>();
    private final ObservableList<String> problems = FXCollections.observableArrayList();
    private final BooleanProperty settingsValid = new SimpleBooleanProperty();
    private final StringProperty commandPreview = new SimpleStringProperty("");

    private final ObservableList<RecordChoice> records =
            FXCollections.observableArrayList(RecordChoice::observables);
    private final ObservableList<FeatureChoice> featureChoices = FXCollections.observableArrayList();
    private final ObjectProperty<FeatureChoice> featureChoice = new SimpleObjectProperty<>(FeatureChoice.WHOLE);
    private final ObjectProperty<ValidationMode> validationMode = new SimpleObjectProperty<>(ValidationMode.SPLIT);
    private final StringProperty dataSummary = new SimpleStringProperty("");
    private final BooleanProperty dataUsable = new SimpleBooleanProperty();
    private final StringProperty memory = new SimpleStringProperty("");
    private final BooleanProperty memoryWarning = new SimpleBooleanProperty();

    private final StringProperty modelName = new SimpleStringProperty("");
    private final ObjectProperty<Path> runsFolder = new SimpleObjectProperty<>();
    private final BooleanProperty canStart = new SimpleBooleanProperty();
    private final StringProperty startHint = new SimpleStringProperty("");
    private final BooleanProperty running = new SimpleBooleanProperty();
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final StringProperty progressText = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("");
    private final ObjectProperty<Path> currentRun = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> resumable = new SimpleObjectProperty<>();
    private final ObservableList<String> log = FXCollections.observableArrayList();

    private final ObservableList<RunSummary> runs = FXCollections.observableArrayList();
    private final ObservableList<RunSummary> selectedRuns = FXCollections.observableArrayList();
    private final ObservableList<DiffRow> diff = FXCollections.observableArrayList();
    private final StringProperty historyStatus = new SimpleStringProperty("");

    FineTuneViewModel() {
        Map<String, FieldState> m = new LinkedHashMap<>();
        for (Hyperparameter<?> p : FineTuneParameters.ALL) {
            m.put(p.name(), new FieldState(p));
        }
        this.fields = Collections.unmodifiableMap(m);
    }

    // ---- settings ------------------------------------------------------------------------------------------

    /** One state per declared setting, by name, in declaration order. */
    Map<String, FieldState> fields() {
        return fields;
    }

    FieldState field(String name) {
        FieldState f = fields.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no setting '" + name + "'");
        }
        return f;
    }

    /** The preset the settings start from; null for none. */
    public ObjectProperty<Preset> presetProperty() {
        return preset;
    }

    /** Every problem with the settings, as "Label: message". */
    public ObservableList<String> problems() {
        return problems;
    }

    public BooleanProperty settingsValidProperty() {
        return settingsValid;
    }

    /** The equivalent {@code evo2wb finetune …} command line. */
    public StringProperty commandPreviewProperty() {
        return commandPreview;
    }

    // ---- data ----------------------------------------------------------------------------------------------

    /** The records open in Data, each with its training and validation tick. */
    public ObservableList<RecordChoice> records() {
        return records;
    }

    public ObservableList<FeatureChoice> featureChoices() {
        return featureChoices;
    }

    public ObjectProperty<FeatureChoice> featureChoiceProperty() {
        return featureChoice;
    }

    public ObjectProperty<ValidationMode> validationModeProperty() {
        return validationMode;
    }

    /** Records, bases, windows, tokens and steps of the chosen data, or why it cannot be used. */
    public StringProperty dataSummaryProperty() {
        return dataSummary;
    }

    public BooleanProperty dataUsableProperty() {
        return dataUsable;
    }

    /** The memory estimate for the chosen model, data and settings. */
    public StringProperty memoryProperty() {
        return memory;
    }

    /** True when the estimate exceeds the device's memory. */
    public BooleanProperty memoryWarningProperty() {
        return memoryWarning;
    }

    // ---- run -----------------------------------------------------------------------------------------------

    /** The model runs start from (the workspace's current model), or a hint when there is none. */
    public StringProperty modelNameProperty() {
        return modelName;
    }

    public ObjectProperty<Path> runsFolderProperty() {
        return runsFolder;
    }

    public BooleanProperty canStartProperty() {
        return canStart;
    }

    /** Why Start is disabled, or what it will do. */
    public StringProperty startHintProperty() {
        return startHint;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    /** Progress of the running run in [0, 1], -1 while preparing. */
    public DoubleProperty progressProperty() {
        return progress;
    }

    /** "step 40 / 120 · 1:20 elapsed · about 2:40 left · loss 1.2345". */
    public StringProperty progressTextProperty() {
        return progressText;
    }

    public StringProperty statusProperty() {
        return status;
    }

    /** The folder of the run shown in the charts (running or last run). */
    public ObjectProperty<Path> currentRunProperty() {
        return currentRun;
    }

    /** The last run of this view that stopped early and can be resumed, or null. */
    public ObjectProperty<Path> resumableProperty() {
        return resumable;
    }

    /** The log of the running run, oldest line first (the last 2,000 lines). */
    public ObservableList<String> log() {
        return log;
    }

    // ---- history -------------------------------------------------------------------------------------------

    /** The runs in the runs folder, newest first. */
    public ObservableList<RunSummary> runs() {
        return runs;
    }

    /** The runs selected in the history (compared when two or more). */
    public ObservableList<RunSummary> selectedRuns() {
        return selectedRuns;
    }

    /** The settings that differ between the selected runs. */
    public ObservableList<DiffRow> diff() {
        return diff;
    }

    public StringProperty historyStatusProperty() {
        return historyStatus;
    }
}
