package org.evo2wb.engine.train;

import java.nio.file.Path;

/**
 * Receives a run's progress. Called on the training thread: implementations must be quick and must not touch a UI
 * toolkit (the workbench stores the values and polls them from its own timer).
 */
public interface TrainingListener {

    /** The plan is resolved; {@code fromStep} is 0 for a new run, the checkpoint's step for a resumed one. */
    default void onStart(TrainingPlan plan, long fromStep) {
    }

    /** Something the run decided at its start that the user should see (how activation checkpointing runs). */
    default void onNote(String note) {
    }

    /** The settings check (two batches forward and backward, no update) passed with this mean loss. */
    default void onSettingsChecked(double loss) {
    }

    default void onStep(StepMetrics metrics) {
    }

    default void onEvaluation(EvalMetrics metrics) {
    }

    /** A checkpoint was written ({@code best}: it is the new best checkpoint). */
    default void onCheckpoint(long step, Path dir, boolean best) {
    }

    /** The run ended; called once, also after a failure. */
    default void onStop(StopReason reason, String message) {
    }
}
