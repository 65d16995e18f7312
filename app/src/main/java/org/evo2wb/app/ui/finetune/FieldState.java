package org.evo2wb.app.ui.finetune;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.evo2wb.engine.train.settings.Hyperparameter;

/**
 * The form state of one setting, as properties: its text, whether the user set it (else it shows the default the
 * other settings give, and follows them), the problems with it (empty when none), and whether it applies at all.
 */
final class FieldState {

    private final Hyperparameter<?> parameter;
    private final StringProperty text = new SimpleStringProperty("");
    private final BooleanProperty userSet = new SimpleBooleanProperty();
    private final StringProperty error = new SimpleStringProperty("");
    private final BooleanProperty relevant = new SimpleBooleanProperty(true);

    FieldState(Hyperparameter<?> parameter) {
        this.parameter = parameter;
    }

    Hyperparameter<?> parameter() {
        return parameter;
    }

    /** The value as typed, or the default as text while not set by the user. */
    StringProperty textProperty() {
        return text;
    }

    BooleanProperty userSetProperty() {
        return userSet;
    }

    /** Every problem with this setting, one per line; empty when it is fine. */
    StringProperty errorProperty() {
        return error;
    }

    /** False when the setting does not apply to the other settings (LoRA rank in full fine-tuning). */
    BooleanProperty relevantProperty() {
        return relevant;
    }
}
