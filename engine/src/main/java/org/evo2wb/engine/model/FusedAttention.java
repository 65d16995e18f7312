package org.evo2wb.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.Locale;

/**
 * Causal attention as one PyTorch operator, {@code scaled_dot_product_attention(q, k, v, is_causal=True)}: on an
 * NVIDIA GPU PyTorch runs it as FlashAttention (fp16) or its memory-efficient kernel (fp32), which never materialise
 * the (L × L) scores and keep only one log-sum-exp per query row for the backward pass. DJL has no Java binding for
 * this operator, so it is reached through a {@link TorchScriptModule} of one method; autograd records through it as
 * through any operator.
 *
 * <p>{@link AttentionBlock} computes attention in query blocks with DJL operators (the reference, used on the CPU);
 * this path is used on GPUs. Which one runs is set by the system property {@value #PROPERTY}
 * ({@code fused} or {@code blocked}; default: fused on a GPU, blocked on the CPU). Both are checked against each
 * other (outputs and gradients) in the tests.
 */
public final class FusedAttention {

    /** System property choosing the attention kernel: {@code fused}, {@code blocked} or unset (by device). */
    public static final String PROPERTY = "evo2wb.attention";

    /** The module's one method: q, k, v (B, H, L, d_h), q already scaled by 1/√d_h. */
    static final String METHODS = """
              def forward(self: __torch__.CausalAttention,
                q: Tensor,
                k: Tensor,
                v: Tensor) -> Tensor:
                return torch.scaled_dot_product_attention(q, k, v, None, 0., True, scale=1.)
            """;

    /**
     * The FlashAttention operator itself (fp16 on NVIDIA GPUs), for {@value #PROPERTY}{@code =flash}: what
     * {@code scaled_dot_product_attention} dispatches to when PyTorch picks it.
     */
    static final String FLASH_METHODS = """
              def forward(self: __torch__.FlashAttention,
                q: Tensor,
                k: Tensor,
                v: Tensor) -> Tensor:
                return (torch._scaled_dot_product_flash_attention(q, k, v, 0., True, False, scale=1.))[0]
            """;

    private static final TorchScriptModule.Lazy CAUSAL = new TorchScriptModule.Lazy("CausalAttention", METHODS);
    private static final TorchScriptModule.Lazy FLASH = new TorchScriptModule.Lazy("FlashAttention", FLASH_METHODS);

    private FusedAttention() {
    }

    /** Whether attention on {@code device} runs through the fused operator (see {@link #PROPERTY}). */
    public static boolean usedOn(Device device) {
        String set = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
        return switch (set) {
            case "fused", "flash" -> true;
            case "blocked" -> false;
            case "" -> device.isGpu();
            default -> throw new IllegalArgumentException(PROPERTY + " must be fused, flash or blocked, got '" + set
                    + "'");
        };
    }

    /**
     * softmax(q·kᵀ + M)·v over the causal mask M, per batch and head.
     *
     * @param q (B, H, L, d_h), scaled by 1/√d_h
     * @param k (B, H, L, d_h)
     * @param v (B, H, L, d_h)
     * @return (B, H, L, d_h), q's type, in q's manager; recorded by autograd when grad mode is on
     */
    public static NDArray causal(NDArray q, NDArray k, NDArray v) {
        boolean useFlash = "flash".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim())
                && q.getDevice().isGpu() && q.getDataType() == ai.djl.ndarray.types.DataType.FLOAT16;
        return IValueUtils.forward((useFlash ? FLASH : CAUSAL).get(), new NDList(q, k, v), true).singletonOrThrow();
    }
}
