package org.evo2wb.engine.train.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.model.ParameterKind;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.train.Tensors;

/**
 * The fp32 gradient of the plain mean next-token cross-entropy over a set of token sequences, for every trainable
 * tensor of a model (a check of the backward pass against another implementation):
 *
 * <pre>
 *   loss = −(1/N) Σ_s Σ_{t=1}^{L_s−1} log softmax(logits_s[t−1])[x_s[t]],      N = Σ_s (L_s − 1)
 * </pre>
 *
 * Every target counts with weight 1 (no soft-mask weighting, no N mask), as the golden {@code loss_f64}. Each
 * sequence runs as its own batch of one, so sequences of any lengths can be mixed; the backward passes add up to
 * the gradient of the mean over all N targets. The tied embedding's gradient includes its unembedding use; RoPE
 * buffers have none.
 */
public final class LossGradients {

    /**
     * @param loss the mean cross-entropy (nats)
     * @param targets N
     * @param gradients d loss / d tensor by checkpoint key, fp32, in the model's order
     */
    public record Result(double loss, long targets, Map<String, HostTensor> gradients) {
    }

    private LossGradients() {
    }

    /**
     * @param sequences token ids of each sequence (at least 2 tokens each)
     */
    public static Result compute(StripedHyena model, List<long[]> sequences) {
        long n = 0;
        for (int i = 0; i < sequences.size(); i++) {
            if (sequences.get(i).length < 2) {
                throw new IllegalArgumentException("sequence " + (i + 1) + " has " + sequences.get(i).length
                        + " tokens; at least 2 are needed for a next-token loss");
            }
            n += sequences.get(i).length - 1;
        }
        if (n == 0) {
            throw new IllegalArgumentException("no sequences to compute a loss on");
        }
        Map<String, NDArray> params = new LinkedHashMap<>();
        model.visitParameters((k, kind, v) -> {
            if (kind != ParameterKind.ROTARY_INV_FREQ) {
                params.put(k, v);
            }
        });
        params.values().forEach(ParameterGradients::zero);
        model.setTrainable(true);
        try {
            double loss = 0;
            for (long[] ids : sequences) {
                try (NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope();
                     GradientCollector c = Engine.getInstance().newGradientCollector()) {
                    scope.suppressNotUsedWarning();
                    NDArray tokens = m.create(ids, new Shape(1, ids.length));
                    NDArray targets = tokens.get(":, 1:").toType(DataType.INT64, false);
                    NDArray weights = m.ones(new Shape(1, ids.length - 1));
                    NDArray l = NextTokenLoss.loss(model.forward(tokens), targets, weights, n);
                    c.backward(l);
                    loss += l.getFloat();
                }
            }
            Map<String, HostTensor> grads = new LinkedHashMap<>();
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    NDArray g = ParameterGradients.of(e.getValue());
                    grads.put(e.getKey(), g == null ? Tensors.toHost(e.getValue().zerosLike()) : Tensors.toHost(g));
                }
            }
            return new Result(loss, n, grads);
        } finally {
            params.values().forEach(ParameterGradients::zero);
            model.setTrainable(false);
        }
    }
}
