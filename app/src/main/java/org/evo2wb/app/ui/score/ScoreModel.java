package org.evo2wb.app.ui.score;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.ObservableList;
import org.evo2wb.app.data.LoadedRecord;
import org.evo2wb.app.models.LoadedModel;
import org.evo2wb.app.ui.Workspace;

/** State of the Score view, as properties only. The controller and the browser write it; the view binds to it. */
public final class ScoreModel {

    /** The visible stretch of the record, 0-based continuous coordinates. */
    public record ViewRange(double start, double end) {}

    /** Selected bases [start, end), 0-based. */
    public record Selection(int start, int end) {
        public int length() {
            return end - start;
        }
    }

    private final ObservableList<LoadedRecord> records;
    private final ObjectProperty<LoadedRecord> record = new SimpleObjectProperty<>();
    private final BooleanProperty pasteMode = new SimpleBooleanProperty();
    private final StringProperty pastedText = new SimpleStringProperty("");
    private final StringProperty regionFrom = new SimpleStringProperty("");
    private final StringProperty regionTo = new SimpleStringProperty("");
    private final ObservableList<LoadedModel> models;
    private final ObjectProperty<LoadedModel> current;
    private final ObjectProperty<LoadedModel> compare = new SimpleObjectProperty<>();
    private final BooleanProperty bos = new SimpleBooleanProperty(false);
    private final BooleanProperty upperCase = new SimpleBooleanProperty(true);
    private final BooleanProperty scoring = new SimpleBooleanProperty();
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final StringProperty status = new SimpleStringProperty("");
    private final ObjectProperty<ScoreResult> result = new SimpleObjectProperty<>();
    private final ObjectProperty<ViewRange> view = new SimpleObjectProperty<>();
    private final ObjectProperty<Selection> selection = new SimpleObjectProperty<>();
    private final ObjectProperty<DisplayMode> mode = new SimpleObjectProperty<>(DisplayMode.LINE);
    private final ObjectProperty<Windowing> windowing = new SimpleObjectProperty<>(Windowing.MEAN);
    private final DoubleProperty hover = new SimpleDoubleProperty(Double.NaN);
    private final StringProperty hoverText = new SimpleStringProperty("");
    private final ObjectProperty<MutagenesisData> mutagenesis = new SimpleObjectProperty<>();
    private final BooleanProperty mutating = new SimpleBooleanProperty();
    private final DoubleProperty mutagenesisProgress = new SimpleDoubleProperty();
    private final StringProperty mutagenesisStatus = new SimpleStringProperty("");
    private final IntegerProperty context = new SimpleIntegerProperty(200);
    private final StringProperty locus = new SimpleStringProperty("");
    private final IntegerProperty smoothing = new SimpleIntegerProperty(1);
    private final StringProperty window = new SimpleStringProperty("");

    ScoreModel(Workspace workspace) {
        this.records = workspace.records();
        this.models = workspace.models();
        this.current = workspace.currentModelProperty();
    }

    /** The open records (the workspace's list). */
    public ObservableList<LoadedRecord> records() {
        return records;
    }

    public ObjectProperty<LoadedRecord> recordProperty() {
        return record;
    }

    /** True to score the pasted sequence instead of a record. */
    public BooleanProperty pasteModeProperty() {
        return pasteMode;
    }

    public StringProperty pastedTextProperty() {
        return pastedText;
    }

    /** First base to score, 1-based, blank for the record's start. */
    public StringProperty regionFromProperty() {
        return regionFrom;
    }

    /** Last base to score, 1-based inclusive, blank for the record's end. */
    public StringProperty regionToProperty() {
        return regionTo;
    }

    /** Loaded models (the workspace's list). */
    public ObservableList<LoadedModel> models() {
        return models;
    }

    /** Model A: the workspace's current model. */
    public ObjectProperty<LoadedModel> currentProperty() {
        return current;
    }

    /** Model B, scored alongside A for the Δ track; null for none. */
    public ObjectProperty<LoadedModel> compareProperty() {
        return compare;
    }

    /** Prepend BOS so that the first base is scored too. */
    public BooleanProperty bosProperty() {
        return bos;
    }

    /** Score upper-cased bases (Evo 2 was trained on upper case; GenBank writes lower case). */
    public BooleanProperty upperCaseProperty() {
        return upperCase;
    }

    public BooleanProperty scoringProperty() {
        return scoring;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public StringProperty statusProperty() {
        return status;
    }

    /** The latest scores; null before the first. */
    public ObjectProperty<ScoreResult> resultProperty() {
        return result;
    }

    public ObjectProperty<ViewRange> viewProperty() {
        return view;
    }

    /** The selected bases, or null. */
    public ObjectProperty<Selection> selectionProperty() {
        return selection;
    }

    public ObjectProperty<DisplayMode> modeProperty() {
        return mode;
    }

    public ObjectProperty<Windowing> windowingProperty() {
        return windowing;
    }

    /** Record coordinate under the mouse, NaN when outside. */
    public DoubleProperty hoverProperty() {
        return hover;
    }

    /** What is under the mouse, in words. */
    public StringProperty hoverTextProperty() {
        return hoverText;
    }

    /** The latest mutagenesis; null before the first or after a new score. */
    public ObjectProperty<MutagenesisData> mutagenesisProperty() {
        return mutagenesis;
    }

    public BooleanProperty mutatingProperty() {
        return mutating;
    }

    public DoubleProperty mutagenesisProgressProperty() {
        return mutagenesisProgress;
    }

    public StringProperty mutagenesisStatusProperty() {
        return mutagenesisStatus;
    }

    /** Bases of context on each side of the mutated region in the scored window. */
    public IntegerProperty contextProperty() {
        return context;
    }

    /** The navigation field's text. */
    public StringProperty locusProperty() {
        return locus;
    }

    /** Bases of the centred moving mean the tracks are drawn with; 1 draws the bases' own values. */
    public IntegerProperty smoothingProperty() {
        return smoothing;
    }

    /**
     * The window one forward pass sees, in bases, as typed; blank for the models' context (the shorter of A's and
     * B's).
     */
    public StringProperty windowProperty() {
        return window;
    }
}
