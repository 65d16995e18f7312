package org.evo2wb.engine.train.optim;

import ai.djl.ndarray.NDArray;
import java.util.Collection;

/**
 * Clipping by global gradient norm, as {@code torch.nn.utils.clip_grad_norm_}:
 *
 * <pre>
 *   n = √(Σ_params Σ g²)          scale = min(1, maxNorm / (n + 1e-6))       (maxNorm = 0: no clipping)
 * </pre>
 */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** The global L2 norm of all gradients (computed on the device, read back once). */
    public static double globalNorm(Collection<NDArray> grads) {
        NDArray total = null;
        for (NDArray g : grads) {
            NDArray s = g.square().sum();
            total = total == null ? s : total.add(s);
        }
        return total == null ? 0 : Math.sqrt(total.getFloat());
    }

    /** The factor every gradient is multiplied by. */
    public static double scale(double norm, double maxNorm) {
        if (maxNorm <= 0 || !Double.isFinite(norm)) {
            return 1.0;
        }
        return Math.min(1.0, maxNorm / (norm + 1e-6));
    }
}
