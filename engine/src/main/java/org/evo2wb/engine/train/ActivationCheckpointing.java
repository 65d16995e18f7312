package org.evo2wb.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.lora.SeededDropout;
import org.evo2wb.engine.train.data.BatchStream;

/**
 * Forward and backward of one batch keeping only each block's input instead of every block's activations
 * (activation checkpointing, "gradient checkpointing"): the memory of training falls from all blocks' working sets to
 * the block inputs plus one block's working set, for about one more forward pass of compute.
 *
 * <pre>
 *   1. grad off:  x_0 = embed(tokens);  x_{i+1} = block_i(x_i), keeping x_0 … x_n      (n blocks)
 *   2. grad on:   loss = L(head(x_n)) with x_n a leaf;  backward(loss, seed = lossScale)  → g_n = ∂/∂x_n
 *   3. for i = n−1 … 0:  x_i a leaf;  y = block_i(x_i) with grad on;  backward(y, seed = g_{i+1})  → g_i = ∂/∂x_i
 *   4. e = embed(tokens) with grad on;  backward(e, seed = g_0)   (when the embedding trains)
 * </pre>
 *
 * With {@code kept} &gt; 0 the last {@code kept} blocks are not recomputed: step 1 runs them with grad on from the
 * leaf x_{n−kept}, so their graphs stay until step 2's backward, which then reaches x_{n−kept}; step 3 recomputes
 * only the blocks before them. Each kept block saves one block's recompute for one block's working set of memory
 * ({@link org.evo2wb.engine.train.parallel.TrainingMemoryEstimate#keptBlocks}).
 *
 * Every backward adds into the parameters' accumulated gradients, so the result equals one backward through the
 * whole graph up to the order of floating-point additions. Random numbers (LoRA dropout): the pass runs in a
 * {@link SeededDropout} scope of {@code seed}, where each layer's mask is a function of the seed and the layer's
 * name, so a block's recompute in step 3 draws the masks of step 1 — on any thread, with no shared generator to
 * re-seed (where a device cannot draw seeded masks, see {@link #block}).
 */
final class ActivationCheckpointing {

    private static final Object RANDOM = new Object();

    private ActivationCheckpointing() {
    }

    /**
     * @param lossOfLogits the scalar loss of the logits (computed with grad mode on)
     * @param lossScale gradients are multiplied by this (fp16 loss scaling; 1 otherwise)
     * @param seed seeds the LoRA dropout masks ({@link SeededDropout})
     * @return the loss (unscaled); arrays made belong to the caller's scope
     */
    static double forwardBackward(TrainableModel.Stages m, NDArray tokens, UnaryOperator<NDArray> lossOfLogits,
                                  double lossScale, long seed) {
        return forwardBackward(m, tokens, lossOfLogits, lossScale, seed, 0);
    }

    /**
     * As {@link #forwardBackward(TrainableModel.Stages, NDArray, UnaryOperator, double, long)}, keeping the graphs of
     * the last {@code kept} blocks instead of recomputing them.
     *
     * @param kept blocks at the end of the stack run once with grad on (0 … number of blocks)
     */
    static double forwardBackward(TrainableModel.Stages m, NDArray tokens, UnaryOperator<NDArray> lossOfLogits,
                                  double lossScale, long seed, int kept) {
        return forwardBackward(m, tokens, lossOfLogits, lossScale, seed, kept, 0);
    }

    /**
     * As {@link #forwardBackward(TrainableModel.Stages, NDArray, UnaryOperator, double, long, int)}, with the inputs
     * of the first {@code offloaded} blocks kept in host memory between step 1 and their recompute ({@link
     * HostCopies}: pinned memory, copies queued in order with the GPU's work): 4·B·L·D bytes of GPU memory each, for
     * one copy out and one back.
     *
     * @param offloaded recomputed blocks, from the first, whose inputs wait in host memory (0 … n − kept)
     */
    static double forwardBackward(TrainableModel.Stages m, NDArray tokens, UnaryOperator<NDArray> lossOfLogits,
                                  double lossScale, long seed, int kept, int offloaded) {
        try (SeededDropout.Scope masks = SeededDropout.use(seed)) {
            return inScope(m, tokens, lossOfLogits, lossScale, seed, kept, offloaded);
        }
    }

    private static double inScope(TrainableModel.Stages m, NDArray tokens, UnaryOperator<NDArray> lossOfLogits,
                                  double lossScale, long seed, int kept, int offloaded) {
        int n = m.blocks();
        if (kept < 0 || kept > n) {
            throw new IllegalArgumentException("kept blocks must be 0 to " + n + ", got " + kept);
        }
        int first = n - kept;                       // the first block whose graph is kept
        if (offloaded < 0 || offloaded > first) {
            throw new IllegalArgumentException("offloaded block inputs must be 0 to " + first + ", got " + offloaded);
        }
        List<NDArray> inputs = new ArrayList<>(first + 1);
        // every block's output for the finite check, in order: the sum of one that waits in host memory (the sum
        // is finite where the output is, and stays on the device)
        List<NDArray> outputs = new ArrayList<>(n);
        List<NDArray> sums = new ArrayList<>();
        try (GradMode off = GradMode.disabled()) {
            NDArray x = m.embed(tokens);
            inputs.add(x);
            for (int i = 0; i < first; i++) {
                NDArray y = block(m, i, x, seed);
                if (i < offloaded) {
                    inputs.set(i, HostCopies.toHost(x));
                    if (i > 0) {
                        NDArray sum = x.sum();
                        outputs.set(i - 1, sum);
                        sums.add(sum);
                    }
                    x.close();
                }
                x = y;
                inputs.add(x);
                outputs.add(x);
            }
        }
        NDArray leaf = inputs.get(first);
        leaf.setRequiresGradient(true);
        NDArray loss;
        try (GradMode on = GradMode.enabled()) {
            NDArray x = leaf;
            for (int i = first; i < n; i++) {
                x = block(m, i, x, seed);
                outputs.add(x);
            }
            m.requireFinite(outputs);
            sums.forEach(NDArray::close);
            StepPhases.mark("forward");
            loss = lossOfLogits.apply(m.head(x));
            for (NDArray y : outputs.subList(first, n)) {
                y.close();                          // the graph holds what the backward needs of them
            }
        }
        NDArray lossSeed = loss.getManager().full(loss.getShape(), (float) lossScale, loss.getDataType());
        JniUtils.backward((PtNDArray) loss, (PtNDArray) lossSeed, false, false);
        double value = loss.getFloat();
        StepPhases.mark(kept > 0 ? "head+kept-" + kept : "head");
        NDArray g = gradientOf(leaf);
        for (int i = first - 1; i >= 0; i--) {
            NDArray x = inputs.get(i);
            if (i < offloaded) {
                NDArray host = x;
                x = HostCopies.toDeviceOf(host, g);
                host.close();
                inputs.set(i, x);
            }
            x.setRequiresGradient(true);
            NDArray y;
            try (GradMode on = GradMode.enabled()) {
                y = block(m, i, x, seed);
            }
            if (StepPhases.ON) {
                y.sum().getFloat();
                StepPhases.mark("recompute-" + i);
            }
            JniUtils.backward((PtNDArray) y, (PtNDArray) g, false, false);
            if (StepPhases.ON) {
                JniUtils.getGradient((PtNDArray) x).sum().getFloat();
                StepPhases.mark("backward-" + i);
            }
            y.close();
            g.close();
            inputs.get(i + 1).close();
            g = gradientOf(x);
        }
        if (m.embeddingTrains()) {
            NDArray e;
            try (GradMode on = GradMode.enabled()) {
                e = m.embed(tokens);
            }
            JniUtils.backward((PtNDArray) e, (PtNDArray) g, false, false);
            e.close();
        }
        g.close();
        inputs.get(0).close();
        return value;
    }

    /**
     * What a data-parallel run with LoRA dropout and activation checkpointing should be told where its devices cannot
     * draw seeded masks (every GPU, decision 0033): the devices take turns block by block; null where nothing holds
     * them back (one device, no dropout, seeded masks everywhere).
     */
    static String takingTurnsNote(List<ai.djl.Device> devices, double loraDropout) {
        if (devices.size() < 2 || !(loraDropout > 0)
                || devices.stream().allMatch(SeededDropout::availableOn)) {
            return null;
        }
        return "LoRA dropout " + loraDropout + " on " + devices.size() + " devices with activation checkpointing: "
                + "each recomputed block draws its masks again from PyTorch's one random generator, seeded before "
                + "the block, so the devices take turns block by block (measured on two GPUs: 1.37× the speed of one, "
                + "against 1.94× with LoRA dropout 0)";
    }

    /** The seed of block {@code i}'s random numbers where masks are not seeded ({@link #block}). */
    static int blockSeed(long seed, int i) {
        return (int) BatchStream.mix(seed, i);
    }

    /**
     * Block i; where the device cannot draw seeded masks ({@link SeededDropout#availableOn}), PyTorch's generator is
     * seeded with {@code mix(seed, i)} first, before the first pass and again before the recompute, so both draw the
     * same masks; seeding and the block's launch then hold one process-wide lock, so data-parallel replicas on other
     * threads cannot move the shared generator in between.
     */
    private static NDArray block(TrainableModel.Stages m, int i, NDArray x, long seed) {
        if (SeededDropout.availableOn(x.getDevice())) {
            return m.block(i, x);
        }
        synchronized (RANDOM) {
            Engine.getInstance().setRandomSeed(blockSeed(seed, i));
            return m.block(i, x);
        }
    }

    private static NDArray gradientOf(NDArray leaf) {
        NDArray g = JniUtils.getGradient((PtNDArray) leaf);
        if (g == null) {
            throw new IllegalStateException("no gradient reached a block's input during the recompute");
        }
        return g;
    }
}
