package org.evo2wb.engine.train;

import java.nio.file.Path;

/**
 * How a run ended (failures end with an exception instead).
 *
 * @param reason             why it stopped
 * @param message            the same, in a sentence for the user
 * @param steps              completed optimiser steps
 * @param lastTrainLoss      training loss of the last step (nats)
 * @param bestValidationLoss lowest validation loss (NaN without validation)
 * @param bestStep           its step (-1 without validation)
 * @param folder             the run folder
 * @param lastCheckpoint     the newest resumable checkpoint
 * @param adapter            LoRA runs: the adapter folder (PEFT layout), else null
 */
public record TrainingResult(StopReason reason, String message, long steps, double lastTrainLoss,
                             double bestValidationLoss, long bestStep, Path folder, Path lastCheckpoint,
                             Path adapter) {
}
