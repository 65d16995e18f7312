package org.evo2wb.engine.train;

import static org.evo2wb.engine.train.settings.FineTuneParameters.BATCH_SIZE;
import static org.evo2wb.engine.train.settings.FineTuneParameters.CHECKPOINT_EVERY;
import static org.evo2wb.engine.train.settings.FineTuneParameters.EPOCHS;
import static org.evo2wb.engine.train.settings.FineTuneParameters.EVAL_BATCHES;
import static org.evo2wb.engine.train.settings.FineTuneParameters.EVAL_EVERY;
import static org.evo2wb.engine.train.settings.FineTuneParameters.GRAD_ACCUMULATION;
import static org.evo2wb.engine.train.settings.FineTuneParameters.MAX_STEPS;
import static org.evo2wb.engine.train.settings.FineTuneParameters.WARMUP_STEPS;

import com.google.gson.JsonObject;
import java.util.List;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.settings.InvalidSettingsException;
import org.evo2wb.engine.train.settings.SettingsProblem;

/**
 * The settings that depend on the data, resolved once the number of windows is known: "auto" values get their
 * numbers here.
 *
 * <pre>
 *   batches per epoch  = ⌈train windows / batch size⌉
 *   planned steps      = min(max steps, ⌈epochs · batches per epoch / grad accumulation⌉)   (either may be absent)
 *   warm-up (auto)     = ⌊3 % · planned steps⌋
 *   eval every (auto)  = max(1, ⌊planned steps / 10⌋);  checkpoint every (auto) = eval every
 * </pre>
 *
 * @param batchesPerEpoch   batches in one pass over the training windows
 * @param epochs            epoch limit, or 0 when only max steps limits the run
 * @param plannedSteps      optimiser steps of the run; the learning rate reaches its floor at the last one
 * @param warmupSteps       warm-up steps
 * @param evalEvery         steps between evaluations
 * @param evalBatches       validation batches per evaluation (0 without validation windows)
 * @param checkpointEvery   steps between checkpoints
 */
public record TrainingPlan(int batchesPerEpoch, int epochs, long plannedSteps, long warmupSteps, long evalEvery,
                           int evalBatches, long checkpointEvery) {

    /**
     * @throws InvalidSettingsException when the data make the settings impossible (warm-up longer than the run)
     */
    public static TrainingPlan resolve(FineTuneSettings s, int trainWindows, int validationWindows) {
        int batch = s.get(BATCH_SIZE);
        int accumulation = s.get(GRAD_ACCUMULATION);
        int batchesPerEpoch = (trainWindows + batch - 1) / batch;
        Integer maxSteps = s.get(MAX_STEPS);
        Integer epochsSetting = s.get(EPOCHS);
        int epochs = epochsSetting != null ? epochsSetting : maxSteps == null ? 1 : 0;
        long byEpochs = epochs == 0 ? Long.MAX_VALUE : ((long) epochs * batchesPerEpoch + accumulation - 1) / accumulation;
        long planned = maxSteps == null ? byEpochs : Math.min(maxSteps, byEpochs);
        long warmup = s.get(WARMUP_STEPS) != null ? s.get(WARMUP_STEPS) : (long) Math.floor(0.03 * planned);
        if (warmup >= planned) {
            throw new InvalidSettingsException("", List.of(new SettingsProblem(List.of(WARMUP_STEPS.name()),
                    "warm-up (" + warmup + " steps) must be shorter than the planned run (" + planned + " steps from "
                            + trainWindows + " training windows, batch size " + batch + ", grad accumulation "
                            + accumulation + ")")));
        }
        long evalEvery = s.get(EVAL_EVERY) != null ? s.get(EVAL_EVERY) : Math.max(1, planned / 10);
        int allValidation = (validationWindows + batch - 1) / batch;
        int evalBatches = s.get(EVAL_BATCHES) != null ? Math.min(s.get(EVAL_BATCHES), allValidation) : allValidation;
        long checkpointEvery = s.get(CHECKPOINT_EVERY) != null ? s.get(CHECKPOINT_EVERY) : evalEvery;
        return new TrainingPlan(batchesPerEpoch, epochs, planned, warmup, evalEvery, evalBatches, checkpointEvery);
    }

    /** Total batches the epoch limit allows (Long.MAX_VALUE without one). */
    public long batchLimit() {
        return epochs == 0 ? Long.MAX_VALUE : (long) epochs * batchesPerEpoch;
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("batches-per-epoch", batchesPerEpoch);
        o.addProperty("epochs", epochs);
        o.addProperty("planned-steps", plannedSteps);
        o.addProperty("warmup-steps", warmupSteps);
        o.addProperty("eval-every", evalEvery);
        o.addProperty("eval-batches", evalBatches);
        o.addProperty("checkpoint-every", checkpointEvery);
        return o;
    }
}
