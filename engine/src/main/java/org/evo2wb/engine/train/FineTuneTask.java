package org.evo2wb.engine.train;

import org.evo2wb.engine.task.EngineTask;

/**
 * A fine-tuning run as an engine task: progress counts optimiser steps, {@link #cancel()} stops the run within one
 * step (after saving a checkpoint of the last completed step), and the result tells how it ended. Failures end the
 * task as FAILED with a message that says what to change; the run folder's status.json says the same.
 */
public final class FineTuneTask extends EngineTask<TrainingResult> {

    private final FineTuneRun run;

    FineTuneTask(FineTuneRun run) {
        super(run.resume ? "Resume fine-tuning" : "Fine-tune");
        this.run = run;
    }

    @Override
    protected TrainingResult call() throws Exception {
        TrainingResult result = new Trainer(run, this::isCancelRequested, this::report).run();
        message(result.message());
        return result;
    }

    private void report(long step, long planned, String text) {
        progress(step, planned);
        message(text);
    }

    /** Receives progress from the loop. */
    @FunctionalInterface
    interface Progress {
        void report(long step, long planned, String message);
    }
}
