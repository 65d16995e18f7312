package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Rotary position embedding, GPT-NeoX "rotate-half" convention over the whole head:
 * <pre>
 *   θ[t, j] = (t / f) · inv_freq[j],              t = 0 … L-1,  j = 0 … d_h/2 - 1
 *   a = x[..., j],  b = x[..., j + d_h/2]
 *   x'[..., j]         = a·cos θ − b·sin θ
 *   x'[..., j + d_h/2] = a·sin θ + b·cos θ
 * </pre>
 * Legend: x (B, L, H, d_h); inv_freq = {@code inner_mha_cls.rotary_emb.inv_freq} (d_h/2), taken from the
 * checkpoint (bf16-rounded values, not recomputed from the base); f = {@code rotary_emb_scaling_factor} when
 * {@code use_interpolated_rotary_pos_emb} (linear position interpolation), else 1.
 */
public final class Rotary {

    private final String key;
    private final NDArray invFreq;
    private final double scalingFactor;

    public Rotary(ParameterSource src, String key, long headDim, double scalingFactor) {
        this.key = key;
        this.invFreq = src.get(key, ParameterKind.ROTARY_INV_FREQ, headDim / 2);
        this.scalingFactor = scalingFactor;
    }

    /**
     * cos θ and sin θ for length {@code len}, shaped (1, L, 1, d_h/2) for broadcasting over (B, L, H, d_h/2).
     */
    public NDArray[] cosSin(long len) {
        long half = invFreq.getShape().get(0);
        NDArray t = invFreq.getManager().arange(0f, (float) len, 1f, DataType.FLOAT32, invFreq.getDevice());
        if (scalingFactor != 1.0) {
            t = t.div(scalingFactor);
        }
        NDArray theta = t.reshape(len, 1).mul(invFreq.reshape(1, half)).reshape(1, len, 1, half);
        return new NDArray[] {theta.cos(), theta.sin()};
    }

    /**
     * cos θ and sin θ at the single position {@code position}, shaped (1, 1, 1, d_h/2): the row {@code position} of
     * {@link #cosSin} computed by the same operations, without the positions before it (step-by-step decoding).
     */
    public NDArray[] cosSinAt(long position) {
        long half = invFreq.getShape().get(0);
        NDArray t = invFreq.getManager().full(new ai.djl.ndarray.types.Shape(1), (float) position, DataType.FLOAT32,
                invFreq.getDevice());
        if (scalingFactor != 1.0) {
            t = t.div(scalingFactor);
        }
        NDArray theta = t.reshape(1, 1).mul(invFreq.reshape(1, half)).reshape(1, 1, 1, half);
        return new NDArray[] {theta.cos(), theta.sin()};
    }

    /** Rotates x (B, L, H, d_h) with precomputed {@link #cosSin}. */
    public static NDArray apply(NDArray x, NDArray[] cosSin) {
        long hd = x.getShape().get(3);
        long half = hd / 2;
        NDArray c = cosSin[0];
        NDArray s = cosSin[1];
        return Scoped.step(() -> {                     // the halves' products freed as soon as they are joined
            NDArray a = x.get("..., :" + half);
            NDArray b = x.get("..., " + half + ":");
            return a.mul(c).sub(b.mul(s)).concat(a.mul(s).add(b.mul(c)), 3);
        });
    }

    public void visitParameters(ParameterVisitor v) {
        v.visit(key, ParameterKind.ROTARY_INV_FREQ, invFreq);
    }

    public double scalingFactor() {
        return scalingFactor;
    }
}
