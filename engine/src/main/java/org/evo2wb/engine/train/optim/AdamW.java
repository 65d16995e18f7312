package org.evo2wb.engine.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.TensorInfo;
import org.evo2wb.engine.checkpoint.TensorSource;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.train.Tensors;
import org.evo2wb.engine.train.run.CheckpointStore;
import org.evo2wb.engine.train.settings.FineTuneParameters;
import org.evo2wb.engine.train.settings.FineTuneSettings;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter, arXiv 1711.05101), written out on NDArrays so that every
 * term is visible and its state can be saved. For parameter θ with gradient g at step t (1-based):
 *
 * <pre>
 *   m ← β1·m + (1 − β1)·g             v ← β2·v + (1 − β2)·g²
 *   m̂ = m / (1 − β1^t)                 v̂ = v / (1 − β2^t)
 *   θ ← θ·(1 − lr·λ)                   only where {@link WeightDecayRule#decays} (λ = weight decay)
 *   θ ← θ − lr · m̂ / (√v̂ + ε)
 * </pre>
 *
 * as PyTorch's {@code torch.optim.AdamW}. On a GPU all tensors are updated by PyTorch's fused multi-tensor kernel
 * ({@link FusedAdamW}); otherwise each by one call of DJL's native Adam update (its AdamW form: decay, both moments
 * and the step in one JNI call instead of a dozen), with the bias corrections folded into its step size and ε. Moments are fp32 on the parameters' device. Parameters without a gradient
 * in a step are left alone (their moments do not decay), as in PyTorch.
 */
public final class AdamW implements AutoCloseable {

    /** β1, β2, ε and the weight decay λ. */
    public record Hyper(double beta1, double beta2, double epsilon, double weightDecay) {

        public static Hyper from(FineTuneSettings s) {
            return new Hyper(s.get(FineTuneParameters.BETA1), s.get(FineTuneParameters.BETA2),
                    s.get(FineTuneParameters.EPSILON), s.get(FineTuneParameters.WEIGHT_DECAY));
        }
    }

    private final Map<String, NDArray> params;
    private final Map<String, NDArray> firstMoment = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoment = new LinkedHashMap<>();
    private final Map<String, Boolean> decayed = new LinkedHashMap<>();
    private final Hyper hyper;
    private final NDManager state;
    private long steps;

    /** Zero moments for every trainable parameter, kept in a manager of their own on the parameters' device. */
    public AdamW(Map<String, NDArray> params, Hyper hyper) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("nothing to train: no trainable parameters");
        }
        this.params = new LinkedHashMap<>(params);
        this.hyper = hyper;
        NDArray first = params.values().iterator().next();
        this.state = NDManager.newBaseManager(first.getDevice());
        this.state.setName("adamw-state");
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            firstMoment.put(e.getKey(), state.zeros(p.getShape(), p.getDataType()));
            secondMoment.put(e.getKey(), state.zeros(p.getShape(), p.getDataType()));
            decayed.put(e.getKey(), WeightDecayRule.decays(e.getKey(), p.getShape().dimension()));
        }
    }

    /**
     * One update with learning rate {@code lr}; every gradient is multiplied by {@code gradScale} first (global-norm
     * clipping). Runs with autograd off; temporary arrays belong to the caller's scope.
     */
    public void step(Map<String, NDArray> grads, double lr, double gradScale) {
        steps++;
        double c1 = 1 - Math.pow(hyper.beta1(), steps);
        double root2 = Math.sqrt(1 - Math.pow(hyper.beta2(), steps));
        // θ − lr·(m/c1)/(√(v/c2) + ε)  =  θ − (lr·√c2/c1)·m/(√v + ε·√c2): one native call per tensor
        float stepSize = (float) (lr * root2 / c1);
        float epsilon = (float) (hyper.epsilon() * root2);
        try (GradMode off = GradMode.disabled()) {
            if (FusedAdamW.usedOn(state.getDevice())) {
                fusedStep(grads, lr, gradScale);
                return;
            }
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray g = grads.get(e.getKey());
                if (g == null) {
                    continue;
                }
                float decay = decayed.get(e.getKey()) ? (float) hyper.weightDecay() : 0f;
                JniUtils.adamUpdate((PtNDArray) e.getValue(), (PtNDArray) g,
                        (PtNDArray) firstMoment.get(e.getKey()), (PtNDArray) secondMoment.get(e.getKey()),
                        (float) lr, stepSize, decay, (float) gradScale, -1f, (float) hyper.beta1(),
                        (float) hyper.beta2(), epsilon, true);
            }
        }
    }

    /** The update through {@link FusedAdamW}: one call for the decayed tensors, one for the others. */
    private void fusedStep(Map<String, NDArray> grads, double lr, double gradScale) {
        for (boolean decay : new boolean[] {true, false}) {
            List<NDArray> p = new ArrayList<>();
            List<NDArray> g = new ArrayList<>();
            List<NDArray> m = new ArrayList<>();
            List<NDArray> v = new ArrayList<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray grad = grads.get(e.getKey());
                if (grad != null && decayed.get(e.getKey()) == decay) {
                    p.add(e.getValue());
                    g.add(grad);
                    m.add(firstMoment.get(e.getKey()));
                    v.add(secondMoment.get(e.getKey()));
                }
            }
            if (!p.isEmpty()) {
                FusedAdamW.step(p, g, m, v, steps, lr, hyper, decay ? hyper.weightDecay() : 0, gradScale);
            }
        }
    }

    /** Number of updates made so far (t). */
    public long steps() {
        return steps;
    }

    /** Whether the named parameter is decayed. */
    public boolean decays(String name) {
        return decayed.get(name);
    }

    /**
     * The moments as tensors to write, keyed {@code exp_avg.<name>} and {@code exp_avg_sq.<name>} (PyTorch's
     * names); each is copied to the host only when the writer asks for it.
     */
    public CheckpointStore.Contents stateTensors() {
        Map<String, TensorInfo> layout = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            layout.put("exp_avg." + name, Tensors.info(firstMoment.get(name)));
            layout.put("exp_avg_sq." + name, Tensors.info(secondMoment.get(name)));
        }
        return new CheckpointStore.Contents(layout, key -> Tensors.toHost(moment(key)));
    }

    private NDArray moment(String key) {
        return key.startsWith("exp_avg_sq.") ? secondMoment.get(key.substring("exp_avg_sq.".length()))
                : firstMoment.get(key.substring("exp_avg.".length()));
    }

    /**
     * Restores moments and step count written by {@link #stateTensors()}.
     *
     * @param source gives the saved tensor for a key, or null when missing
     * @param where  names the file in messages
     */
    public void restore(TensorSource source, long stepCount, String where) throws IOException {
        for (String name : params.keySet()) {
            for (String key : new String[] {"exp_avg." + name, "exp_avg_sq." + name}) {
                HostTensor t = source.get(key);
                if (t == null) {
                    throw new IOException(where + ": no optimiser state '" + key + "'");
                }
                Tensors.copyInto(moment(key), t, where + ": " + key);
            }
        }
        this.steps = stepCount;
    }

    @Override
    public void close() {
        state.close();
    }
}
