package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.engine.model.Block;
import org.evo2wb.engine.model.Linear;

/**
 * The carried state of one block for step-by-step decoding. It is filled from the intermediates of the block's
 * ordinary forward over the prompt ({@link #record}), then each step runs the block on one new position, exactly as
 * {@link Block#forward} would at the end of the sequence, and updates the state: either with DJL operators
 * ({@link #step}, the reference) or as one call of the block's {@link StepScript} method, which reads the block's
 * tensors ({@link #scriptWeights}) and updates the same state tensors in place ({@link #scriptState}).
 */
abstract class BlockState {

    protected final Block block;
    protected final StateArrays arrays;

    BlockState(Block block, StateArrays arrays) {
        this.block = block;
        this.arrays = arrays;
    }

    /**
     * Receives an intermediate of the block's forward over the prompt (trace names of {@link
     * org.evo2wb.engine.model.Trace}, without the {@code blocks.i.} prefix); the value is only valid during the call.
     */
    abstract void record(String name, NDArray value);

    /** Whether every intermediate the state needs was seen. */
    abstract boolean filled();

    /** Copies the state from one row to {@code batch} identical rows. */
    abstract void repeat(int batch);

    /** The sequence mixer on one normalised position n (B, 1, D), updating the state; (B, 1, D). */
    abstract NDArray mix(NDArray n, long position);

    /** The block on one position x (B, 1, D): the mixer and MLP with their norms and residuals, as the forward. */
    final NDArray step(NDArray x, long position) {
        NDArray h = mix(block.preNorm().forward(x), position).add(x);
        return block.mlp().forward(block.postNorm().forward(h)).add(h);
    }

    /** The {@link StepScript} method that steps this block. */
    abstract String scriptMethod();

    /**
     * The block's tensors in the order its script method reads them: the pre- and post-norm scales, the MLP's l1,
     * l2 and l3, then the mixer's ({@link #addMixerScriptWeights}). Linear weights are in the precision's GEMM type
     * ({@link Linear#gemmWeights}); casts the layers do not keep are attached to {@code owner}.
     */
    final List<NDArray> scriptWeights(NDManager owner) {
        List<NDArray> w = new ArrayList<>();
        w.add(block.preNorm().scale());
        w.add(block.postNorm().scale());
        for (Linear l : List.of(block.mlp().l1(), block.mlp().l2(), block.mlp().l3())) {
            w.add(l.gemmWeights(owner)[0]);
        }
        addMixerScriptWeights(w, owner);
        return w;
    }

    /** Appends the mixer's tensors in the order its script method reads them. */
    abstract void addMixerScriptWeights(List<NDArray> w, NDManager owner);

    /** The state tensors in the order the script method reads them; it updates them in place. */
    abstract List<NDArray> scriptState();

    /**
     * Makes room for a step at {@code position} before a scripted step (the attention cache grows here).
     *
     * @return whether the state tensors were replaced ({@link #scriptState} then has new ones)
     */
    boolean reserve(long position) {
        return false;
    }

    /** Told after a scripted step at {@code position}, which updated the state tensors in place. */
    void stepped(long position) {
    }

    /** Appends a linear layer's weight and bias (GEMM type) to a script's tensors. */
    static void addLinear(List<NDArray> w, Linear layer, NDManager owner) {
        NDArray[] wb = layer.gemmWeights(owner);
        w.add(wb[0]);
        if (wb[1] == null) {
            throw new IllegalStateException(layer.name() + " has no bias; the scripted step needs one");
        }
        w.add(wb[1]);
    }
}
