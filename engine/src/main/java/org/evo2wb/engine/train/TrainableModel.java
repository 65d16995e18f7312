package org.evo2wb.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * What the training loop needs from a model: logits for a batch of token ids, and the parameters under their
 * checkpoint names. The Evo 2 {@code StripedHyena} implements it; so do the toy models of the tests.
 *
 * <p>Contract: {@link #parameters()} returns the same arrays on every call (the loop updates them in place), all on
 * one device, fp32 for anything the loop may train. {@link #logits} must not keep references to the arrays it
 * creates: the loop closes every array created during a step (including cached ones) when the step ends, so a
 * model that caches tensors across calls must create them outside a step or unregister them from the
 * {@link ai.djl.ndarray.NDScope}.
 */
public interface TrainableModel {

    /**
     * Next-token logits.
     *
     * @param tokens (B, L) int64 token ids
     * @return (B, L, V) logits, any floating type; position t scores token t + 1
     */
    NDArray logits(NDArray tokens);

    /** Every parameter, keyed by checkpoint name, in a stable order. Tied weights appear once. */
    Map<String, NDArray> parameters();

    /** The manager that owns the parameters (the loop makes its own arrays on the same device). */
    NDManager manager();

    /**
     * Called after every optimiser update, with autograd off: a model keeps constraints on its parameters here
     * (the Evo 2 model keeps its long-filter poles decaying). The default does nothing.
     */
    default void afterUpdate() {
    }

    /** Turns training-only behaviour (dropout) on or off. */
    default void setTraining(boolean training) {
    }

    /**
     * A copy of this model on another device for data-parallel training ({@link DataParallel}): the same parameters
     * under the same names, values copied (not shared), the same adapters, in training mode. The copy owns its
     * {@link #manager()}: closing that manager frees it. The default says that the model cannot be copied.
     */
    default TrainableModel replicate(ai.djl.Device device) {
        throw new UnsupportedOperationException("a " + getClass().getSimpleName() + " cannot be copied to another "
                + "device");
    }

    /**
     * The model as a stack of stages for activation checkpointing ({@link ActivationCheckpointing}), or null when it
     * cannot be split (the default).
     */
    default Stages stages() {
        return null;
    }

    /**
     * A forward pass split into stages: {@code logits = head(block_{n-1}(… block_0(embed(tokens))))}. Each method
     * computes with the thread's grad mode and returns arrays of the caller's scope.
     */
    interface Stages {
        /** (B, L) int64 token ids → the first block's input. */
        NDArray embed(NDArray tokens);

        /** Whether {@link #embed} has parameters that train (its backward is then run). */
        boolean embeddingTrains();

        /** Number of blocks. */
        int blocks();

        /** Block {@code i} on its input; the output has the input's shape. */
        NDArray block(int i, NDArray x);

        /** The last block's output → logits (B, L, V). */
        NDArray head(NDArray x);

        /** Throws when a block's output (in order) shows a numeric overflow; the default checks nothing. */
        default void requireFinite(List<NDArray> blockOutputs) {
        }
    }

    /**
     * The memory one training step of this model needs with these settings on {@code device}
     * ({@link org.evo2wb.engine.train.parallel.TrainingMemoryEstimate}), or null where none is known.
     */
    default org.evo2wb.engine.train.parallel.TrainingMemoryEstimate memoryEstimate(
            org.evo2wb.engine.train.settings.FineTuneSettings s, ai.djl.Device device) {
        return null;
    }

    /**
     * Whether the model keeps what it may keep between forwards (the frozen filters' spectra; on by default); the loop
     * turns it off for a run that does not fit its device otherwise and on again when the run ends. The default
     * keeps nothing.
     */
    default void keepCaches(boolean on) {
    }

    /** The precision setting's word for how the model computes ({@code fp32}); checked against the settings. */
    default String precision() {
        return "fp32";
    }
}
