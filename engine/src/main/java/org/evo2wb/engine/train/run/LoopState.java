package org.evo2wb.engine.train.run;

import com.google.gson.JsonObject;

/**
 * Where the training loop stands; saved in every checkpoint so that a resumed run continues the same schedule and
 * data order. Random numbers (dropout) are drawn from generators seeded by (seed, step, micro-batch), so no generator
 * state needs saving.
 */
public final class LoopState {

    /** Completed optimiser steps. */
    public long step;
    /** Training batches consumed (the position in the {@link org.evo2wb.engine.train.data.BatchStream}). */
    public long batches;
    /** Real input tokens seen in training. */
    public long tokens;
    /** Training time in nanoseconds summed over every session of the run (a resumed run adds to it). */
    public long trainingNanos;
    /** Lowest validation loss so far (NaN before the first evaluation). */
    public double bestValidationLoss = Double.NaN;
    /** Step of that loss. */
    public long bestStep = -1;
    /** Evaluations in a row without a new best. */
    public int evaluationsWithoutImprovement;
    /** Last training loss (NaN before the first step). */
    public double lastTrainLoss = Double.NaN;

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("step", step);
        o.addProperty("batches", batches);
        o.addProperty("tokens", tokens);
        o.addProperty("training-seconds", trainingNanos / 1e9);
        o.addProperty("training-nanos", trainingNanos);
        o.addProperty("best-validation-loss", Double.isNaN(bestValidationLoss) ? null : bestValidationLoss);
        o.addProperty("best-step", bestStep);
        o.addProperty("evaluations-without-improvement", evaluationsWithoutImprovement);
        o.addProperty("last-train-loss", Double.isNaN(lastTrainLoss) ? null : lastTrainLoss);
        return o;
    }

    public static LoopState fromJson(JsonObject o) {
        LoopState s = new LoopState();
        s.step = o.get("step").getAsLong();
        s.batches = o.get("batches").getAsLong();
        s.tokens = o.get("tokens").getAsLong();
        s.trainingNanos = o.get("training-nanos").getAsLong();
        s.bestValidationLoss = o.get("best-validation-loss").isJsonNull() ? Double.NaN
                : o.get("best-validation-loss").getAsDouble();
        s.bestStep = o.get("best-step").getAsLong();
        s.evaluationsWithoutImprovement = o.get("evaluations-without-improvement").getAsInt();
        s.lastTrainLoss = o.get("last-train-loss").isJsonNull() ? Double.NaN : o.get("last-train-loss").getAsDouble();
        return s;
    }

    public LoopState copy() {
        return fromJson(toJson());
    }
}
