package org.evo2wb.engine.train;

import java.time.Duration;

/**
 * What one optimiser step reports.
 *
 * @param step            completed steps (1 after the first)
 * @param plannedSteps    steps the run plans
 * @param epoch           passes over the training data so far (fractional)
 * @param trainLoss       weighted next-token cross-entropy of the step (nats); NaN for a step whose targets were
 *                        all masked (no update)
 * @param learningRate    learning rate used
 * @param gradNorm        global gradient norm before clipping
 * @param tokensPerSecond real input tokens per second in this step
 * @param tokens          real input tokens seen so far
 * @param elapsed         training time so far (all sessions of the run)
 * @param eta             estimated time to the planned end (or to max time if that comes first)
 * @param memoryBytes     device memory in use (GPU) or resident memory of the process (CPU)
 */
public record StepMetrics(long step, long plannedSteps, double epoch, double trainLoss, double learningRate,
                          double gradNorm, double tokensPerSecond, long tokens, Duration elapsed, Duration eta,
                          long memoryBytes) {
}
