package org.evo2wb.app.ui.finetune;

import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import org.evo2wb.app.data.LoadedRecord;

/** An open record in the Fine-tune view's data table: whether it is trained on, and held out for validation. */
final class RecordChoice {

    private final LoadedRecord record;
    private final BooleanProperty train = new SimpleBooleanProperty(true);
    private final BooleanProperty validation = new SimpleBooleanProperty(false);

    RecordChoice(LoadedRecord record) {
        this.record = record;
    }

    LoadedRecord record() {
        return record;
    }

    /** Used at all (for training, or for validation when chosen). */
    BooleanProperty trainProperty() {
        return train;
    }

    /** Held out for validation (used only when the validation records are chosen by hand). */
    BooleanProperty validationProperty() {
        return validation;
    }

    /** For an observable list that reports changes of the check boxes. */
    Observable[] observables() {
        return new Observable[] {train, validation};
    }
}
