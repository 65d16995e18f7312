package org.evo2wb.engine.hub;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.engine.config.Evo2Config;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.train.FineTuneMethod;
import org.evo2wb.engine.train.FineTuneParameters;
import org.evo2wb.engine.train.FineTuneSettings;
import org.evo2wb.engine.train.TrainingMemoryEstimate;

/**
 * The GPU memory a model needs for scoring and for LoRA fine-tuning at a few windows, from the training memory
 * estimate ({@link TrainingMemoryEstimate}) with batch 1 and fp16-mixed precision (frozen linear weights held in
 * fp16), plus the CUDA context ({@value #CUDA_CONTEXT} bytes):
 * <ul>
 *   <li>scoring: the weights without adapters and the working set of one forward pass (no activations are kept
 *       for a backward pass);</li>
 *   <li>LoRA: the whole training step with the default rank and targets, activation checkpointing on.</li>
 * </ul>
 */
public final class ModelNeeds {

    /** What a CUDA context takes on the GPU, about 0.5 GB. */
    public static final long CUDA_CONTEXT = 500_000_000L;
    /** Windows scoring is estimated at. */
    public static final List<Integer> SCORING_WINDOWS = List.of(8_192, 32_768, 131_072);
    /** Windows LoRA fine-tuning is estimated at. */
    public static final List<Integer> LORA_WINDOWS = List.of(1_024, 8_192);

    /**
     * One figure.
     *
     * @param task "scoring" or "LoRA"
     * @param window bases per window
     * @param bytes GPU memory needed
     */
    public record Need(String task, int window, long bytes) {}

    private ModelNeeds() {}

    /** Scoring at {@link #SCORING_WINDOWS} (up to the model's context), then LoRA at {@link #LORA_WINDOWS}. */
    public static List<Need> of(Evo2Config c, int context) {
        List<Need> out = new ArrayList<>();
        for (int w : SCORING_WINDOWS) {
            if (w <= Math.max(context, 8_192)) {
                TrainingMemoryEstimate e = estimate(c, w, false);
                out.add(new Need("scoring", w, e.weightBytes() - 4 * e.trainableParameters() + e.workingBytes()
                        + CUDA_CONTEXT));
            }
        }
        for (int w : LORA_WINDOWS) {
            out.add(new Need("LoRA", w, estimate(c, w, true).totalBytes() + CUDA_CONTEXT));
        }
        return out;
    }

    private static TrainingMemoryEstimate estimate(Evo2Config c, int window, boolean checkpointing) {
        FineTuneSettings s = FineTuneSettings.defaults().toBuilder()
                .set(FineTuneParameters.METHOD, FineTuneMethod.LORA)
                .set(FineTuneParameters.BATCH_SIZE, 1)
                .set(FineTuneParameters.WINDOW_LENGTH, window)
                .set(FineTuneParameters.PRECISION, Precision.FP16)
                .set(FineTuneParameters.ACTIVATION_CHECKPOINTING, checkpointing)
                .current();
        return TrainingMemoryEstimate.of(c, s, Device.gpu(0));
    }
}
