package org.evo2wb.engine.train;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.evo2wb.engine.train.run.LoopState;

/**
 * Every reason for the loop to stop, in one place, checked before each step in this order. Cancellation is also
 * checked between the micro-batches of a step, so it takes effect within one step.
 */
final class StopConditions {

    private final TrainingPlan plan;
    private final Duration maxTime;
    private final int patience;
    private final BooleanSupplier cancelRequested;

    StopConditions(TrainingPlan plan, Duration maxTime, int patience, BooleanSupplier cancelRequested) {
        this.plan = plan;
        this.maxTime = maxTime;
        this.patience = patience;
        this.cancelRequested = cancelRequested;
    }

    /** The reason to stop now, or null to go on. */
    StopReason check(LoopState s) {
        if (cancelRequested.getAsBoolean()) {
            return StopReason.CANCELLED;
        }
        if (s.batches >= plan.batchLimit()) {
            return StopReason.EPOCHS;
        }
        if (s.step >= plan.plannedSteps()) {
            return StopReason.PLANNED_STEPS;
        }
        if (!maxTime.isZero() && s.trainingNanos >= maxTime.toNanos()) {
            return StopReason.MAX_TIME;
        }
        if (patience > 0 && s.evaluationsWithoutImprovement >= patience) {
            return StopReason.EARLY_STOPPING;
        }
        return null;
    }

    boolean cancelRequested() {
        return cancelRequested.getAsBoolean();
    }

    /** Time left under the max-time limit, or null without one. */
    Duration timeLeft(LoopState s) {
        return maxTime.isZero() ? null : Duration.ofNanos(Math.max(0, maxTime.toNanos() - s.trainingNanos));
    }
}
