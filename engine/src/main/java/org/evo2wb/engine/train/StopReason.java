package org.evo2wb.engine.train;

/** Why a run ended. */
public enum StopReason {
    /** The planned number of steps was reached (the max-steps setting or the epoch count). */
    PLANNED_STEPS("finished the planned steps"),
    /** Every epoch was trained. */
    EPOCHS("finished the planned epochs"),
    /** The max-time setting was reached. */
    MAX_TIME("reached the time limit"),
    /** Validation loss stopped improving for the patience setting's number of evaluations. */
    EARLY_STOPPING("validation loss stopped improving"),
    /** The user cancelled. */
    CANCELLED("cancelled"),
    /** Something went wrong; the message says what. */
    FAILED("failed");

    private final String text;

    StopReason(String text) {
        this.text = text;
    }

    /** Words for the user. */
    public String text() {
        return text;
    }
}
