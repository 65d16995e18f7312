package org.evo2wb.engine.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Reading and clearing PyTorch's accumulated gradients ({@code tensor.grad}). Backward passes add into them, which
 * is how micro-batches accumulate; the loop clears them after each update.
 */
public final class ParameterGradients {

    private ParameterGradients() {
    }

    /** The accumulated gradient (a new handle, closed with the current scope), or null if none was computed. */
    public static NDArray of(NDArray parameter) {
        if (!parameter.hasGradient()) {
            return null;
        }
        return JniUtils.getGradient((PtNDArray) parameter);
    }

    /** Sets the accumulated gradient to zero, if there is one. */
    public static void zero(NDArray parameter) {
        if (!parameter.hasGradient()) {
            return;
        }
        PtNDArray g = JniUtils.getGradient((PtNDArray) parameter);
        if (g != null) {
            g.close();
            JniUtils.zeroGrad((PtNDArray) parameter);
        }
    }
}
