package org.evo2wb.app.ui.variants;

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
import org.evo2wb.engine.variants.VariantRow;

/** The Variants view's state: the inputs of a run, its progress, and the scored alleles. FX thread only. */
public final class VariantsModel {

    private final StringProperty vcf = new SimpleStringProperty("");
    private final StringProperty reference = new SimpleStringProperty("");
    private final StringProperty out = new SimpleStringProperty("");
    private final StringProperty window = new SimpleStringProperty("");
    private final StringProperty label = new SimpleStringProperty("");
    private final StringProperty filter = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("Choose a VCF and its reference genome, then press "
            + "Score variants (the current model from Models scores them).");
    private final StringProperty auroc = new SimpleStringProperty("");
    private final BooleanProperty running = new SimpleBooleanProperty();
    private final DoubleProperty progress = new SimpleDoubleProperty();
    private final ObservableList<VariantRow> rows = FXCollections.observableArrayList();
    private final ObjectProperty<VariantRow> selected = new SimpleObjectProperty<>();

    public StringProperty vcfProperty() {
        return vcf;
    }

    public StringProperty referenceProperty() {
        return reference;
    }

    public StringProperty outProperty() {
        return out;
    }

    /** Window bases; blank = the default (8,192 or the model's context). */
    public StringProperty windowProperty() {
        return window;
    }

    /** Where labels come from: an INFO key, or the path of a label table (chrom, pos, ref, alt, label); blank = none. */
    public StringProperty labelProperty() {
        return label;
    }

    /** Text the table's rows must contain (id, contig, position, alleles or status). */
    public StringProperty filterProperty() {
        return filter;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public StringProperty aurocProperty() {
        return auroc;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    public DoubleProperty progressProperty() {
        return progress;
    }

    public ObservableList<VariantRow> rows() {
        return rows;
    }

    public ObjectProperty<VariantRow> selectedProperty() {
        return selected;
    }
}
