package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import org.evo2wb.engine.model.Block;

/**
 * The carried state of one block for step-by-step decoding. It is filled from the intermediates of the block's
 * ordinary forward over the prompt ({@link #record}), then each {@link #step} runs the block on one new position,
 * exactly as {@link Block#forward} would at the end of the sequence, and updates the state.
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
}
