package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;

/**
 * Receives named intermediate tensors during a forward pass, for debugging against reference traces. Names follow
 * the golden traces: {@code embedding}, {@code blocks.i.pre_norm}, {@code blocks.i.projections},
 * {@code blocks.i.short_conv}, {@code blocks.i.filter}, {@code blocks.i.out_filter_dense}, {@code blocks.i.attn},
 * {@code blocks.i.out_proj}, {@code blocks.i.post_norm}, {@code blocks.i.mlp}, {@code blocks.i.out},
 * {@code final_norm}, {@code logits}.
 *
 * <p>The tensor passed is only valid during the call (it is closed with the forward's scope): copy what you keep.
 */
@FunctionalInterface
public interface Trace {

    /** A trace that ignores everything (the default for ordinary forwards). */
    Trace NONE = (name, value) -> { };

    void record(String name, NDArray value);
}
