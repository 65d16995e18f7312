package org.evo2wb.engine.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.evo2wb.engine.model.Scalars;

/**
 * Weighted mean next-token cross-entropy (nats), evaluated in fp32:
 *
 * <pre>
 *   loss = −Σ_{b,t} w[b,t] · log softmax(logits[b,t,:])[target[b,t]]  /  denominator
 * </pre>
 *
 * with t = 0 … L−2 (the logit at position t scores token t + 1), {@code w} from {@link LossWeights}, and the
 * denominator the sum of weights over every micro-batch of the optimiser step, so that gradient accumulation gives
 * the same gradient as one large batch. {@code weights} must live in PyTorch-owned memory (the product's backward
 * keeps it), as {@link #weightsOnDevice} makes them.
 */
public final class NextTokenLoss {

    private NextTokenLoss() {
    }

    /**
     * A PyTorch-owned copy of host weights: an array made from Java memory is freed once its wrapper is closed and
     * collected, and the loss's backward reads the weights. ({@code duplicate()} clones natively; DJL's
     * {@code toType(sameType, true)} would return an alias of the Java-backed memory.)
     */
    public static NDArray weightsOnDevice(ai.djl.ndarray.NDManager manager, float[] weights, long rows, long columns) {
        try (NDArray host = manager.create(weights, new ai.djl.ndarray.types.Shape(rows, columns))) {
            return host.duplicate();
        }
    }

    /**
     * @param logits      (B, L, V)
     * @param targets     (B, L−1) int64
     * @param weights     (B, L−1) fp32
     * @param denominator Σ weights of the whole step (> 0)
     * @return scalar fp32 loss
     */
    public static NDArray loss(NDArray logits, NDArray targets, NDArray weights, double denominator) {
        long length = logits.getShape().get(1);
        NDArray logProbs = logits.get(new NDIndex(":, 0:{}, :", length - 1)).toType(DataType.FLOAT32, false)
                .logSoftmax(-1);
        NDArray picked = logProbs.gather(targets.expandDims(-1), -1).squeeze(-1);
        // constants in PyTorch-owned memory: DJL's div(Number) would back the divisor with a Java buffer that the
        // garbage collector may free before backward reads it (see Scalars)
        return Scalars.mul(picked.mul(weights).sum(), -1.0 / denominator);
    }
}
