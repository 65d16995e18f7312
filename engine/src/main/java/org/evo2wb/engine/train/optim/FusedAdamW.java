package org.evo2wb.engine.train.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.List;
import java.util.Locale;
import org.evo2wb.engine.model.TorchScriptModule;

/**
 * The AdamW update of many tensors in one call: PyTorch's fused multi-tensor kernel ({@code _fused_adamw_}, the one
 * {@code torch.optim.AdamW(fused=True)} uses), reached through a {@link TorchScriptModule}. It computes what
 * {@link AdamW} writes out, for every tensor of a list at once:
 * <pre>
 *   θ ← θ·(1 − lr·λ);   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
 *   θ ← θ − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)          g = gradient · scale (clipping)
 * </pre>
 * On a GPU this replaces a native call per tensor (each a dozen kernel launches) with a few launches for all of
 * them. Which update runs is set by the system property {@value #PROPERTY} ({@code fused} or {@code per-tensor};
 * default: fused on a GPU, per tensor on the CPU); the tests check both against a hand computation.
 */
final class FusedAdamW {

    /** System property choosing the update: {@code fused}, {@code per-tensor} or unset (by device). */
    static final String PROPERTY = "evo2wb.adamw";

    static final String METHODS = """
              def forward(self: __torch__.FusedAdamW,
                params: List[Tensor],
                grads: List[Tensor],
                exp_avgs: List[Tensor],
                exp_avg_sqs: List[Tensor],
                steps: List[Tensor],
                lr: float,
                beta1: float,
                beta2: float,
                weight_decay: float,
                eps: float,
                grad_scale: Tensor) -> Tensor:
                torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, annotate(List[Tensor], []), steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False, grad_scale=grad_scale)
                return grad_scale
            """;

    private static final TorchScriptModule.Lazy MODULE = new TorchScriptModule.Lazy("FusedAdamW", METHODS);

    private FusedAdamW() {
    }

    /** Whether the update of tensors on {@code device} is fused (see {@link #PROPERTY}). */
    static boolean usedOn(Device device) {
        String set = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        return switch (set) {
            case "fused" -> true;
            case "per-tensor" -> false;
            case "" -> device.isGpu();
            default -> throw new IllegalArgumentException(PROPERTY + " must be fused or per-tensor, got '" + set
                    + "'");
        };
    }

    /**
     * One update of every tensor of {@code params} (all on one device, fp32), in place.
     *
     * @param step t, 1-based, the same for every tensor
     * @param gradScale every gradient is multiplied by this first
     */
    static void step(List<NDArray> params, List<NDArray> grads, List<NDArray> firstMoments,
                     List<NDArray> secondMoments, long step, double lr, AdamW.Hyper hyper, double weightDecay,
                     double gradScale) {
        NDArray first = params.get(0);
        // the kernel reads t from a tensor per parameter, and divides gradients by grad_scale (AMP's unscaling)
        NDManager device = first.getManager();                 // the parameters' device: no host copy to free
        NDArray t = device.create((float) step);
        NDArray unscale = device.create((float) (1.0 / gradScale));
        PtNDArray[] steps = new PtNDArray[params.size()];
        java.util.Arrays.fill(steps, (PtNDArray) t);
        IValue[] in = {
            IValue.listFrom(pt(params)), IValue.listFrom(pt(grads)), IValue.listFrom(pt(firstMoments)),
            IValue.listFrom(pt(secondMoments)), IValue.listFrom(steps), IValue.from(lr), IValue.from(hyper.beta1()),
            IValue.from(hyper.beta2()), IValue.from(weightDecay), IValue.from(hyper.epsilon()),
            IValue.from((PtNDArray) unscale)};
        try {
            IValueUtils.forward(MODULE.get(), in).close();
        } finally {
            for (IValue v : in) {
                v.close();
            }
            t.close();
            unscale.close();
        }
    }

    private static PtNDArray[] pt(List<NDArray> arrays) {
        PtNDArray[] out = new PtNDArray[arrays.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (PtNDArray) arrays.get(i);
        }
        return out;
    }
}
