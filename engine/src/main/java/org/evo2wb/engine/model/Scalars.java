package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplication by a constant that is safe under autograd.
 *
 * <p>DJL's {@code NDArray.mul(Number)} / {@code div(Number)} wrap the number in a temporary tensor whose memory is a
 * Java direct buffer (PyTorch {@code from_blob}) and close it right after the call. The multiplication's backward
 * node keeps that tensor to scale the incoming gradient, so once the garbage collector frees the buffer, backward
 * reads freed memory and gradients are silently wrong (reproduced: forcing a GC between forward and backward gave
 * relative gradient errors of 16). The scalar here is allocated by PyTorch ({@code full}), so the graph's reference
 * keeps it valid. Use it for every constant factor on a tensor that may require gradients; {@code add(Number)} and
 * {@code sub(Number)} are safe (their backward keeps nothing).
 */
public final class Scalars {

    private Scalars() {
    }

    /** {@code x · c} with the constant held in PyTorch-owned memory. */
    public static NDArray mul(NDArray x, double c) {
        NDArray s = x.getManager().full(new Shape(), (float) c, DataType.FLOAT32, x.getDevice());
        return x.mul(s);
    }
}
