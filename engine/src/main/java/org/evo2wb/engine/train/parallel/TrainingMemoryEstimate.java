package org.evo2wb.engine.train.parallel;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.evo2wb.engine.model.BlockKind;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.lora.LoraTargets;
import org.evo2wb.engine.model.AttentionBlock;
import org.evo2wb.engine.model.Convolutions;
import org.evo2wb.engine.model.FusedAttention;
import org.evo2wb.engine.model.HyenaLongImplicit;
import org.evo2wb.engine.model.HyenaMediumRegularized;
import org.evo2wb.engine.train.TrainableSelection;
import org.evo2wb.engine.train.settings.FineTuneMethod;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * Memory one training step needs on its device, estimated from the model config and the settings before anything is
 * loaded. Activations are counted as fp32 (the residual stream, norms and convolutions are fp32 in every precision).
 * With P the model's parameters, P_lin those of the linear layers (weights and biases), T the trained values, B the
 * batch size, L the window length (tokens), D the width, I the MLP width, V the vocabulary, H the attention heads, S
 * the modal state size, N the blocks and n the FFT length ({@link Convolutions#smoothSize}):
 *
 * <pre>
 *   weights      4·P  (+ 4·T for LoRA adapters, which are extra tensors)
 *                fp16-mixed: frozen linear layers (LoRA, filters) hold fp16 only: 4·(P − P_lin) + 2·P_lin (+ 4·T);
 *                full fine-tuning keeps fp32 masters and the fp16 copies the graph keeps: 4·P + 2·P_lin
 *   gradients    4·T
 *   optimiser    8·T                                   AdamW's two moments
 *   activations  4·B·L·( Σ_blocks a_block + 3D + 2V )   what autograd keeps for the backward pass, per token:
 *                  every block      16D + 4I            two RMSNorms (input, x/rms, output), the gated MLP, and
 *                                                       10D measured beyond the tensors autograd keeps (allocator
 *                                                       slack, temporaries of the block being computed); 4D on a
 *                                                       GPU, whose blocks free their temporaries as they go
 *                fp16-mixed: the values inside a block (the MLP's 4I, the Hyena projections and gates, attention's
 *                q, k, v and probabilities, LoRA's inputs) count 2 bytes; norms, FFT filters and the residual 4
 *                  hcs              9D                  padded projections, short conv output, padded k·v, filter
 *                                                       output, gated output
 *                  hcm              10D (FFT above 2048 tokens: 9D + (n+2)/L·D)
 *                  hcl              9D + (n+2)/L·D       the spectrum of k·v kept for the product with the filter's
 *                  attention        6D + H·K̄             q, k, v; rotated q and k; heads joined; the softmax
 *                                                       probabilities over K̄ keys per query (L without query blocks,
 *                                                       about L/2 with them)
 *                                   7D + H               with the fused operator ({@link FusedAttention}, GPUs):
 *                                                       its output and one log-sum-exp per head instead
 *                  LoRA, per adapted layer  r + 1.5·(in + out), measured (+ 1.25·in with dropout: the dropped
 *                                           input and its mask)
 *                  final norm 3D; logits and log-probabilities 2V
 *              + 4·( (n+2)·D per hcl block [+ F_h when the filters are trained] )   filter spectra, per step
 *   working      4·B·L·(2V + max a_block) + the largest transient of one block (the attention scores of one query
 *                block, three copies; building a long filter, F_h = D·(S·(T + 2J) + J·T) floats with T = ⌈√L⌉,
 *                J = ⌈L/T⌉, {@link HyenaLongImplicit#impulseResponseElements})
 * </pre>
 *
 * With activation checkpointing ({@link ActivationCheckpointing}) only each block's input stays for the backward
 * pass, and one block at a time is recomputed with its graph:
 * <pre>
 *   activations  4·B·L·( (N+1)·D + max(3D + 2V, max_blocks a_block) ) + 4·max over blocks of the per-step terms
 *   working      on a GPU without the 4·B·L·max a_block: the recomputed block, everything it touches, is counted once
 *                (its a_block already holds the temporaries of a GPU block, which frees them as it goes). Against
 *                the peaks of eight checkpointed steps on an H100 (Evo 2 7B LoRA at 4,096 and 8,192 bases with 0 to
 *                32 graphs kept, 1B full fine-tuning at 8,192 with none kept), the estimate that counted it twice
 *                was 0.4 % below to 9.8 % above (mean 5.8 % above); counted once, 7.9 % below to 2.9 % above (mean
 *                0.8 % below; docs/decisions/0031)
 * </pre>
 *
 * The figures were checked against the peak resident memory of training steps on the CPU (see
 * {@code TrainingMemoryEstimateTest}) and against the peak GPU memory of Evo 2 7B LoRA and 1B full fine-tuning steps on
 * an H100 (docs/benchmarks.md); on a GPU add the CUDA context (about 0.5 GB), on the CPU the application itself
 * (about 1 GB).
 *
 * @param parameters          P
 * @param trainableParameters T
 * @param weightBytes         model weights (and adapters)
 * @param gradientBytes       gradients of the trained tensors
 * @param optimizerBytes      AdamW state
 * @param activationBytes     what the forward pass keeps for the backward pass
 * @param workingBytes        transient buffers at the peak of the step
 * @param blockGraphBytes     per block, what its graph keeps for the backward pass once the block is done: what
 *                            keeping it instead of recomputing it costs under activation checkpointing
 *                            ({@link #keptBlocks}). The batch's a_block with its adapters counts everything a
 *                            block touches while it runs (temporaries, slack, every input of an adapted layer); what
 *                            stays once it is done measured a third of that where the base weights are frozen
 *                            (LoRA: Evo 2 7B at 8,192 bases on an H100, the bundled model on the CPU; the inputs of
 *                            frozen layers are not kept) and two thirds with full fine-tuning (Evo 2 1B at 8,192
 *                            bases on an H100), so a third or two thirds of it, plus the block's per-step filter
 *                            terms (docs/decisions/0028)
 * @param blockInputBytes     with activation checkpointing, one block's input (4·B·L·D): what each input waiting in
 *                            host memory instead takes off the GPU ({@link #fittingOn}); 0 without
 * @param spectraBytes        with activation checkpointing, what the frozen hcl filters' kept spectra take beyond the
 *                            one the block being recomputed holds in any case: what building them in every pass
 *                            instead takes off the step ({@link #fittingOn}); 0 without, or where none are kept
 */
public record TrainingMemoryEstimate(long parameters, long trainableParameters, long weightBytes, long gradientBytes,
                                     long optimizerBytes, long activationBytes, long workingBytes,
                                     long[] blockGraphBytes, long blockInputBytes, long spectraBytes) {

    private static final long F = 4;


    public TrainingMemoryEstimate {
        blockGraphBytes = blockGraphBytes.clone();
    }

    @Override
    public long[] blockGraphBytes() {
        return blockGraphBytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingMemoryEstimate e && parameters == e.parameters
                && trainableParameters == e.trainableParameters && weightBytes == e.weightBytes
                && gradientBytes == e.gradientBytes && optimizerBytes == e.optimizerBytes
                && activationBytes == e.activationBytes && workingBytes == e.workingBytes
                && java.util.Arrays.equals(blockGraphBytes, e.blockGraphBytes) && blockInputBytes == e.blockInputBytes
                && spectraBytes == e.spectraBytes;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(parameters, trainableParameters, weightBytes, gradientBytes, optimizerBytes,
                activationBytes, workingBytes, java.util.Arrays.hashCode(blockGraphBytes), blockInputBytes,
                spectraBytes);
    }

    @Override
    public String toString() {
        return describe() + ", block graphs " + java.util.Arrays.toString(blockGraphBytes);
    }

    public long totalBytes() {
        return weightBytes + gradientBytes + optimizerBytes + activationBytes + workingBytes;
    }

    /**
     * Estimates one training step of this model with these settings (batch size, window length, method, precision
     * and activation checkpointing of them).
     */
    public static TrainingMemoryEstimate of(Evo2Config c, FineTuneSettings s) {
        return of(c, s, ai.djl.Device.cpu());
    }

    /**
     * The estimate for a run on {@code device}: a GPU computes attention in larger score blocks and, while the long
     * filters are frozen, keeps each one's spectrum between passes.
     */
    public static TrainingMemoryEstimate of(Evo2Config c, FineTuneSettings s, ai.djl.Device device) {
        boolean half = s.get(FineTuneParameters.PRECISION).isHalf();
        boolean checkpointing = s.get(FineTuneParameters.ACTIVATION_CHECKPOINTING);
        int batch = s.get(FineTuneParameters.BATCH_SIZE);
        int len = s.get(FineTuneParameters.WINDOW_LENGTH);
        FineTuneMethod method = s.get(FineTuneParameters.METHOD);
        int rank = s.get(FineTuneParameters.LORA_RANK);
        double dropout = s.get(FineTuneParameters.LORA_DROPOUT);
        List<String> targets = s.get(FineTuneParameters.LORA_TARGETS);

        long params = c.parameterCount();
        long inBlock = half ? 2 : F;               // bytes of a value computed inside a block (fp16 in fp16-mixed)
        long trainable = 0;
        long linear = 0;                           // P_lin
        long loraPerToken = 0;                     // bytes per token added by adapters
        long[] loraOfBlock = new long[c.blockKinds().size()];
        for (Map.Entry<String, long[]> e : c.checkpointShapes(false).entrySet()) {
            String key = e.getKey();
            long[] shape = e.getValue();
            if (key.endsWith("rotary_emb.inv_freq")) {
                continue;
            }
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (isLinearWeight(key, shape) || key.endsWith(".bias")) {
                linear += n;
            }
            switch (method) {
                case FULL -> trainable += n;
                case FILTERS -> trainable += TrainableSelection.isFilterOrNorm(key) ? n : 0;
                case LORA -> {
                    if (isLinearWeight(key, shape) && LoraTargets.matchesAny(layer(key), targets)) {
                        long out = shape[0];
                        long in = shape[1];
                        trainable += (long) rank * (in + out);
                        long perToken = inBlock * (rank + 3 * (in + out) / 2 + (dropout > 0 ? in + in / 4 : 0));
                        loraPerToken += perToken;
                        loraOfBlock[blockOf(key)] += perToken;
                    }
                }
            }
        }
        long weights = F * params + (method == FineTuneMethod.LORA ? F * trainable : 0);
        if (half) {
            weights += method == FineTuneMethod.FULL ? 2 * linear : -2 * linear;
        }

        long d = c.hiddenSize();
        long inner = c.mlpInnerSize();
        long tokens = (long) batch * len;
        long nHcl = Convolutions.smoothSize(2L * len - 1);
        long hcmTaps = Math.min(len, c.hcmFilterLength());
        long nHcm = Convolutions.smoothSize(len + hcmTaps - 1);
        boolean filtersTrained = method != FineTuneMethod.LORA;
        boolean frozenBase = method != FineTuneMethod.FULL;
        long head = F * (3 * d + 2L * c.vocabSize());
        long perToken = head + loraPerToken;       // bytes
        long perStep = 0;                          // fp32 values
        long largestBlock = 0;                     // bytes per token
        long largestBlockWithAdapters = 0;
        long largestPerStep = 0;
        long largestTransient = 0;                 // bytes
        List<BlockKind> kinds = c.blockKinds();
        long[] graphs = new long[kinds.size()];
        for (int i = 0; i < kinds.size(); i++) {
            BlockKind k = kinds.get(i);
            long stepBefore = perStep;
            long a32 = 6 * d + (device.isGpu() ? 4 : 10) * d;   // norms and slack around the block: fp32
            long a16 = 4 * inner;                  // the gated MLP: inside the block
            switch (k) {
                case HCS -> a16 += 9 * d;
                case HCM -> {
                    if (len > HyenaMediumRegularized.FFT_THRESHOLD) {
                        a16 += 6 * d;
                        a32 += 3 * d + ceilDiv((nHcm + 2) * d, len);
                        perStep += (nHcm + 2) * d;
                    } else {
                        a16 += 10 * d;
                    }
                }
                case HCL -> {
                    a16 += 6 * d;
                    a32 += 3 * d + ceilDiv((nHcl + 2) * d, len);
                    long filter = HyenaLongImplicit.impulseResponseElements(d, c.stateSize(), len);
                    perStep += (nHcl + 2) * d + (filtersTrained ? filter : 0);
                    largestTransient = Math.max(largestTransient, F * filter);
                }
                case ATTENTION -> {
                    long heads = c.numAttentionHeads();
                    a32 += 3 * d;
                    if (FusedAttention.usedOn(device)) {
                        a16 += 4 * d;              // q, k, v and the output; one log-sum-exp per head and row
                        a32 += heads;
                    } else {
                        long keys = keysPerQuery(device, batch, heads, len);
                        a16 += 3 * d + heads * keys;
                        long rows = AttentionBlock.queryRows(device, batch, heads, len, true);
                        largestTransient = Math.max(largestTransient,
                                inBlock * 3L * batch * heads * Math.min(rows, len) * len);
                    }
                }
            }
            long a = F * a32 + inBlock * a16;
            perToken += a;
            largestBlock = Math.max(largestBlock, a);
            largestBlockWithAdapters = Math.max(largestBlockWithAdapters, a + loraOfBlock[i]);
            largestPerStep = Math.max(largestPerStep, perStep - stepBefore);
            graphs[i] = tokens * (a + loraOfBlock[i]) * (frozenBase ? 1 : 2) / 3 + F * (perStep - stepBefore);
        }
        long activations = checkpointing
                ? tokens * (F * (kinds.size() + 1) * d + Math.max(head, largestBlockWithAdapters))
                        + F * largestPerStep
                : tokens * perToken + F * perStep;
        long hclLayers = kinds.stream().filter(k -> k == BlockKind.HCL).count();
        long spectra = filtersTrained || !HyenaLongImplicit.keepsSpectrumAt(len) ? 0
                : hclLayers * d * (nHcl / 2 + 1) * 2 * F;                               // complex, one length kept
        boolean oneBlockOnce = checkpointing && device.isGpu();    // see the class comment
        long working = tokens * (F * 2L * c.vocabSize() + (oneBlockOnce ? 0 : largestBlock)) + largestTransient
                + spectra;
        long spectraOff = checkpointing && hclLayers > 0 ? spectra - spectra / hclLayers : 0;
        return new TrainingMemoryEstimate(params, trainable, weights, F * trainable, 2 * F * trainable, activations,
                working, graphs, checkpointing ? F * tokens * d : 0, spectraOff);
    }

    /**
     * With activation checkpointing: how many blocks at the end of the stack can keep their graphs (and skip their
     * recompute) within {@code spareBytes} beyond this estimate. The last blocks are taken first: their graphs are
     * the first the backward pass frees.
     */
    public int keptBlocks(long spareBytes) {
        long left = spareBytes;
        int kept = 0;
        for (int i = blockGraphBytes.length - 1; i >= 0 && blockGraphBytes[i] <= left; i--) {
            left -= blockGraphBytes[i];
            kept++;
        }
        return kept;
    }

    /**
     * With activation checkpointing on a device of {@code deviceBytes} with {@code usedBytes} in use once the model
     * is loaded: the blocks that keep their graphs in what is left after the checkpointed step's own needs and a
     * tenth of the device (allocator slack, fragmentation, this estimate's error).
     */
    public int keptBlocksOn(long deviceBytes, long usedBytes) {
        return keptBlocks(spareBytes(deviceBytes, usedBytes));
    }

    /**
     * What is left on a device of {@code deviceBytes} with {@code usedBytes} in use once the model is loaded, after
     * the step's own needs (activations, working memory, gradients, optimiser state) and a tenth of the device
     * (allocator slack, fragmentation, this estimate's error); negative where the step does not fit.
     */
    private long spareBytes(long deviceBytes, long usedBytes) {
        long needs = activationBytes + workingBytes + gradientBytes + optimizerBytes;
        return deviceBytes - usedBytes - (long) ((1 - USABLE_SHARE) * deviceBytes) - needs;
    }

    /**
     * What a step with activation checkpointing gives up to fit a device of {@code deviceBytes} with {@code usedBytes}
     * in use once the model is loaded, as {@link #keptBlocksOn} reckons, cheapest first: the kept spectra of the
     * frozen hcl filters, built again in every pass instead (an exponential-and-product and one FFT per block and
     * pass), then, on a GPU ({@code inputsToHost}), the inputs of as many blocks as it takes, from the first block's,
     * waiting in host memory between the forward pass and their recompute (a copy out and back each). Nothing where it
     * fits as it is; every block's input where even that is not enough ({@link Fitting#fits} then says so).
     */
    public Fitting fittingOn(long deviceBytes, long usedBytes, boolean inputsToHost) {
        long over = -spareBytes(deviceBytes, usedBytes);
        if (over <= 0 || blockInputBytes == 0) {
            return new Fitting(true, 0, over <= 0);
        }
        boolean keep = spectraBytes == 0;
        over -= spectraBytes;
        int offloaded = over <= 0 || !inputsToHost ? 0
                : (int) Math.min(blockGraphBytes.length, (over + blockInputBytes - 1) / blockInputBytes);
        return new Fitting(keep, offloaded, over <= (long) offloaded * blockInputBytes);
    }

    /**
     * What a checkpointed step gives up to fit its device ({@link #fittingOn}).
     *
     * @param keepsSpectra    whether the frozen hcl filters keep their spectra between passes
     * @param offloadedInputs how many block inputs, from the first block's, wait in host memory
     * @param fits            whether the step then fits by the estimate
     */
    public record Fitting(boolean keepsSpectra, int offloadedInputs, boolean fits) {

        /** Whether anything is given up. */
        public boolean givesUpAnything() {
            return !keepsSpectra || offloadedInputs > 0;
        }
    }

    /**
     * What a checkpointed step takes with the last {@code kept} graphs kept and {@code f} given up: this estimate, the
     * kept graphs, less the spectra built in every pass and the inputs waiting in host memory.
     */
    public long plannedBytes(int kept, Fitting f) {
        return totalBytes() + keptBytes(kept) - (f.keepsSpectra() ? 0 : spectraBytes)
                - f.offloadedInputs() * blockInputBytes;
    }

    /** What the last {@code kept} blocks' graphs add to this estimate. */
    public long keptBytes(int kept) {
        long sum = 0;
        for (int i = blockGraphBytes.length - kept; i < blockGraphBytes.length; i++) {
            sum += blockGraphBytes[i];
        }
        return sum;
    }

    /** Share of a device's memory a run may plan to use (the rest: allocator slack, the CUDA context, the app). */
    public static final double USABLE_SHARE = 0.9;

    /**
     * What fits when the settings do not: the largest window length, from the settings' own down by halves to 256,
     * whose estimate fits {@link #USABLE_SHARE} of {@code availableBytes} without activation checkpointing, and the
     * largest with it (checkpointing recomputes each block in the backward pass: slower, far less memory), giving up
     * what a run gives up by itself to fit ({@link #fittingOn}).
     *
     * @return the proposal, whose windows are 0 where none fits
     */
    public static Fit largestFitting(Evo2Config c, FineTuneSettings s, ai.djl.Device device, long availableBytes) {
        long budget = (long) (USABLE_SHARE * availableBytes);
        int without = 0;
        int with = 0;
        for (int w = s.get(FineTuneParameters.WINDOW_LENGTH); w >= 256 && (without == 0 || with == 0); w /= 2) {
            for (boolean ckpt : new boolean[] {false, true}) {
                if ((ckpt ? with : without) != 0) {
                    continue;
                }
                FineTuneSettings t = s.toBuilder().set(FineTuneParameters.WINDOW_LENGTH, w)
                        .set(FineTuneParameters.ACTIVATION_CHECKPOINTING, ckpt).build();
                TrainingMemoryEstimate e = of(c, t, device);
                long loaded = e.weightBytes() + (device.isGpu() ? org.evo2wb.engine.hub.ModelNeeds.CUDA_CONTEXT : 0);
                if (ckpt ? e.fittingOn(availableBytes, loaded, device.isGpu()).fits()
                        : e.totalBytes() <= budget) {
                    if (ckpt) {
                        with = w;
                    } else {
                        without = w;
                    }
                }
            }
        }
        return new Fit(without, with);
    }

    /**
     * The largest window lengths that fit a device's memory, without and with activation checkpointing (0: none).
     */
    public record Fit(int windowWithoutCheckpointing, int windowWithCheckpointing) {

        /** "Window 4,096 with activation checkpointing fits (1,024 without)." or the like, for the user. */
        public String describe() {
            if (windowWithoutCheckpointing == 0 && windowWithCheckpointing == 0) {
                return "No window of 256 bases or more fits: use LoRA, fp16 or a smaller batch.";
            }
            if (windowWithCheckpointing > windowWithoutCheckpointing) {
                return String.format(Locale.ROOT, "Window %,d fits with activation checkpointing%s.",
                        windowWithCheckpointing, windowWithoutCheckpointing == 0 ? ""
                                : String.format(Locale.ROOT, " (%,d without)", windowWithoutCheckpointing));
            }
            return String.format(Locale.ROOT, "Window %,d fits.", windowWithoutCheckpointing);
        }
    }

    /** Keys each query's softmax spans, averaged over the queries (blocks see keys up to their last row). */
    static long keysPerQuery(ai.djl.Device device, long batch, long heads, long len) {
        long rows = AttentionBlock.queryRows(device, batch, heads, len, true);
        if (rows >= len) {
            return len;
        }
        long sum = 0;
        for (long q0 = 0; q0 < len; q0 += rows) {
            long q1 = Math.min(len, q0 + rows);
            sum += (q1 - q0) * q1;
        }
        return ceilDiv(sum, len);
    }

    private static boolean isLinearWeight(String key, long[] shape) {
        return shape.length == 2 && key.endsWith(".weight") && !key.startsWith("embedding_layer");
    }

    /** The block index of a key {@code blocks.i.…}. */
    private static int blockOf(String key) {
        int dot = key.indexOf('.', "blocks.".length());
        return Integer.parseInt(key.substring("blocks.".length(), dot));
    }

    private static String layer(String key) {
        return key.substring(0, key.length() - ".weight".length());
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** "7.9 GB: weights 6.5 GB, gradients 40 MB, optimiser 80 MB, activations 1.1 GB, working 0.2 GB". */
    public String describe() {
        return String.format(Locale.ROOT, "%s: weights %s, gradients %s, optimiser %s, activations %s, working %s",
                bytes(totalBytes()), bytes(weightBytes), bytes(gradientBytes), bytes(optimizerBytes),
                bytes(activationBytes), bytes(workingBytes));
    }

    /** Bytes in the largest fitting unit (kB, MB, GB; powers of 1000, as disks and GPU vendors count). */
    public static String bytes(long b) {
        if (b >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f GB", b / 1e9);
        }
        if (b >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.0f MB", b / 1e6);
        }
        return String.format(Locale.ROOT, "%.0f kB", b / 1e3);
    }
}
