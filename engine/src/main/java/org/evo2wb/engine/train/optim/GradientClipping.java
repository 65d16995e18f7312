package org.evo2wb.engine.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.Collection;
import org.evo2wb.engine.model.TorchScriptModule;

/**
 * Clipping by global gradient norm, as {@code torch.nn.utils.clip_grad_norm_}:
 *
 * <pre>
 *   n = √(Σ_params Σ g²)          scale = min(1, maxNorm / (n + 1e-6))       (maxNorm = 0: no clipping)
 * </pre>
 */
public final class GradientClipping {

    /**
     * The norm of many tensors in one call, {@code _foreach_norm} (a few kernel launches for all of them), where the
     * AdamW update is fused ({@link FusedAdamW#PROPERTY}): one call instead of three per tensor.
     */
    static final String METHODS = """
              def forward(self: __torch__.GlobalNorm,
                grads: List[Tensor]) -> Tensor:
                return torch.linalg_vector_norm(torch.stack(torch._foreach_norm(grads, 2.)), 2.)
            """;

    private static final TorchScriptModule.Lazy MODULE = new TorchScriptModule.Lazy("GlobalNorm", METHODS);

    private GradientClipping() {
    }

    /** The global L2 norm of all gradients (computed on the device, read back once). */
    public static double globalNorm(Collection<NDArray> grads) {
        if (!grads.isEmpty() && FusedAdamW.usedOn(grads.iterator().next().getDevice())) {
            return fusedNorm(grads);
        }
        NDArray total = null;
        for (NDArray g : grads) {
            NDArray s = g.square().sum();
            total = total == null ? s : total.add(s);
        }
        return total == null ? 0 : Math.sqrt(total.getFloat());
    }

    private static double fusedNorm(Collection<NDArray> grads) {
        PtNDArray[] list = grads.stream().map(g -> (PtNDArray) g).toArray(PtNDArray[]::new);
        IValue in = IValue.listFrom(list);
        try (IValue out = IValueUtils.forward(MODULE.get(), new IValue[] {in})) {
            try (NDArray n = out.toTensor((ai.djl.pytorch.engine.PtNDManager) list[0].getManager())) {
                return n.getFloat();
            }
        } finally {
            in.close();
        }
    }

    /** The factor every gradient is multiplied by. */
    public static double scale(double norm, double maxNorm) {
        if (maxNorm <= 0 || !Double.isFinite(norm)) {
            return 1.0;
        }
        return Math.min(1.0, maxNorm / (norm + 1e-6));
    }
}
