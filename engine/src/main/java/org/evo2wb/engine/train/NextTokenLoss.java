package org.evo2wb.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Weighted mean next-token cross-entropy (nats), evaluated in fp32:
 *
 * <pre>
 *   loss = −Σ_{b,t} w[b,t] · log softmax(logits[b,t,:])[target[b,t]]  /  denominator
 * </pre>
 *
 * with t = 0 … L−2 (the logit at position t scores token t + 1), {@code w} from {@link LossWeights}, and the
 * denominator the sum of weights over every micro-batch of the optimiser step, so that gradient accumulation gives
 * the same gradient as one large batch.
 */
public final class NextTokenLoss {

    private NextTokenLoss() {
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
        return picked.mul(weights).sum().neg().div((float) denominator);
    }
}
