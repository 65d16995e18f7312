package org.evo2wb.engine.train.optim;

/**
 * Linear warm-up, then cosine decay to a floor (as nanoGPT and Megatron/BioNeMo schedule Evo 2 training). For the
 * update with 0-based index s of a run with T planned steps and W warm-up steps:
 *
 * <pre>
 *   lr(s) = peak · (s + 1) / W                                          for s &lt; W
 *   lr(s) = floor + ½ (peak − floor) (1 + cos(π · (s − W + 1) / (T − W)))   for W ≤ s &lt; T
 * </pre>
 *
 * so the peak is used at the last warm-up step and the floor at the last planned step; after T (a run extended
 * beyond its plan) the floor is kept.
 */
public record LearningRateSchedule(double peak, double floor, long warmupSteps, long totalSteps) {

    public LearningRateSchedule {
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps >= totalSteps) {
            throw new IllegalArgumentException("warm-up of " + warmupSteps + " steps does not fit in " + totalSteps
                    + " planned steps");
        }
    }

    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        if (step >= totalSteps) {
            return floor;
        }
        double progress = (double) (step - warmupSteps + 1) / (totalSteps - warmupSteps);
        return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * progress));
    }
}
