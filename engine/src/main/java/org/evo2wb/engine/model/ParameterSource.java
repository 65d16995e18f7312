package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;

/**
 * Supplies the tensors a model is built from, keyed by checkpoint name ({@code blocks.3.inner_mha_cls.Wqkv.weight}).
 * Block constructors only call {@link #get} and store the result, so running a constructor against a recording
 * source lists every expected key and shape ({@link ExpectedParameters}).
 */
public interface ParameterSource {

    /**
     * The fp32 tensor stored under {@code key}, on the model's device, whose shape must equal {@code shape} (a copy of a
     * model whose linear layers hold only fp16 weights gives those as fp16).
     *
     * @param key checkpoint key
     * @param kind how the tensor is used (chooses random initialisation and whether it is trainable)
     * @param shape the expected shape
     * @throws IllegalArgumentException when the key is missing or the shape differs (message names the key)
     */
    NDArray get(String key, ParameterKind kind, long... shape);
}
