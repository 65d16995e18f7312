package org.evo2wb.engine.hub;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.AttentionBlock;
import org.evo2wb.engine.model.Block;
import org.evo2wb.engine.model.Convolutions;
import org.evo2wb.engine.model.FusedAttention;
import org.evo2wb.engine.model.HyenaLongImplicit;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;
import org.evo2wb.engine.train.parallel.TrainingMemoryEstimate;

/**
 * The GPU memory a model needs for scoring and for LoRA fine-tuning at a few windows, batch 1, fp16-mixed precision
 * (frozen linear weights held in fp16), plus the CUDA context ({@value #CUDA_CONTEXT} bytes).
 * <ul>
 *   <li>LoRA: the training memory estimate ({@link TrainingMemoryEstimate}) of a step with the default rank and
 *       targets, activation checkpointing on.</li>
 *   <li>scoring: the same estimate's weights without the adapters, and the working set of one forward pass, which
 *       keeps nothing for a backward pass: per token the largest Hyena block's working set as the estimate counts it
 *       (16D + 4I + 9D + (n+2)/L·D floats, n the FFT length of the long filters; the MLP's 4I for at most one chunk
 *       of positions, {@link Block#positionsPerChunk}) and the logits (2V); the largest
 *       transient of one block, the larger of the attention scores of an inference score block (3·H·rows·L floats,
 *       {@link AttentionBlock#queryRows} without recording; none with the fused operator, {@link FusedAttention})
 *       and building a long filter ({@link HyenaLongImplicit#impulseResponseElements});
 *       and the kept spectra of the long filters (D·(n/2+1) complex floats per long-filter block, up to 16,384
 *       bases; beyond that none are kept).</li>
 * </ul>
 * Not measured on a GPU for the released models: figures to plan with, not guarantees.
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
                out.add(new Need("scoring", w, e.weightBytes() - 4 * e.trainableParameters() + scoringWorking(c, w)
                        + CUDA_CONTEXT));
            }
        }
        for (int w : LORA_WINDOWS) {
            out.add(new Need("LoRA", w, estimate(c, w, true).totalBytes() + CUDA_CONTEXT));
        }
        return out;
    }

    /** Bytes one forward pass of {@code len} tokens works in beyond the weights (see the class comment). */
    static long scoringWorking(Evo2Config c, int len) {
        long d = c.hiddenSize();
        long n = Convolutions.smoothSize(2L * len - 1);
        long perToken = 16 * d + 9 * d + (n + 2 + len - 1) / len * d + 2L * c.vocabSize();
        long mlp = 4L * c.mlpInnerSize() * Math.min(len, Block.positionsPerChunk(1, c.mlpInnerSize()));
        long spectra = HyenaLongImplicit.keepsSpectrumAt(len) ? c.hclLayerIdxs().size() * d * (n / 2 + 1) * 2 : 0;
        return 4 * ((long) len * perToken + mlp + largestTransient(c, len, false) + spectra);
    }

    /** Floats of the largest transient of one block at batch 1: attention scores or the modal filter expansion. */
    static long largestTransient(Evo2Config c, int len, boolean recording) {
        long heads = c.numAttentionHeads();
        long rows = Math.min(len, AttentionBlock.queryRows(Device.gpu(0), 1, heads, len, recording));
        long attention = c.attnLayerIdxs().isEmpty() || FusedAttention.usedOn(Device.gpu(0)) ? 0
                : 3L * heads * rows * len;
        long modal = c.hclLayerIdxs().isEmpty() ? 0
                : HyenaLongImplicit.impulseResponseElements(c.hiddenSize(), c.stateSize(), len);
        return Math.max(attention, modal);
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
