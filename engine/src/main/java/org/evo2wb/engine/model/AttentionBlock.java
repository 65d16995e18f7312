package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.function.UnaryOperator;

/**
 * Multi-head causal self-attention mixer (vortex {@code AttentionBlock} / {@code MHA}):
 * <pre>
 *   qkv = n·Wqkvᵀ  viewed (B, L, H, 3, d_h)         checkpoint rows are per head [q_h; k_h; v_h]
 *   q, k = RoPE(q), RoPE(k)                         see {@link Rotary}
 *   a_h = softmax( q_h·k_hᵀ / √d_h + M ) · v_h       M[t, s] = −∞ for s > t (causal)
 *   mix(n) = concat_h(a_h)·Woᵀ + bo
 * </pre>
 * Legend: B batch, L length, D width, H heads ({@code num_attention_heads}), d_h = D/H. Keys under
 * {@code blocks.i.inner_mha_cls.}: {@code Wqkv.weight} (3D, D, no bias), {@code out_proj.weight} (D, D),
 * {@code out_proj.bias} (D), {@code rotary_emb.inv_freq} (d_h/2). The checkpoint's per-head row order is used
 * as stored (no load-time permutation): reshaping the 3D outputs as (H, 3, d_h) picks q/k/v.
 */
public final class AttentionBlock extends Block {

    private final long hidden;
    private final long heads;
    private final long headDim;
    private Linear wqkv;
    private Linear outProj;
    private final Rotary rotary;

    public AttentionBlock(ParameterSource src, int index, BlockDims dims, long heads, double ropeScalingFactor) {
        super(src, index, dims);
        this.hidden = dims.hidden();
        this.heads = heads;
        this.headDim = hidden / heads;
        String p = prefix + ".inner_mha_cls";
        this.wqkv = Linear.load(src, p + ".Wqkv", 3 * hidden, hidden, false, dims.precision());
        this.outProj = Linear.load(src, p + ".out_proj", hidden, hidden, true, dims.precision());
        this.rotary = new Rotary(src, p + ".rotary_emb.inv_freq", headDim, ropeScalingFactor);
    }

    @Override
    protected NDArray mix(NDArray n, Trace trace) {
        long b = n.getShape().get(0);
        long len = n.getShape().get(1);
        NDArray qkv = wqkv.forward(n).reshape(b, len, heads, 3, headDim);
        NDArray[] cs = rotary.cosSin(len);
        NDArray q = Rotary.apply(qkv.get(":, :, :, 0, :"), cs).transpose(0, 2, 1, 3);   // (B, H, L, d_h)
        NDArray k = Rotary.apply(qkv.get(":, :, :, 1, :"), cs).transpose(0, 2, 3, 1);   // (B, H, d_h, L)
        NDArray v = qkv.get(":, :, :, 2, :").transpose(0, 2, 1, 3);                     // (B, H, L, d_h)
        NDArray scores = q.matMul(k).mul(1.0 / Math.sqrt(headDim)).add(causalMask(n, len));
        NDArray a = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, len, hidden);
        trace.record(prefix + ".attn", a);
        NDArray out = outProj.forward(a);
        trace.record(prefix + ".out_proj", out);
        return out;
    }

    /** Additive causal mask (L, L): 0 on and below the diagonal, −1e30 above (exp underflows to exactly 0). */
    static NDArray causalMask(NDArray like, long len) {
        NDArray pos = like.getManager().arange(0f, (float) len, 1f, DataType.FLOAT32, like.getDevice());
        NDArray future = pos.reshape(1, len).gt(pos.reshape(len, 1));
        return future.toType(DataType.FLOAT32, false).mul(-1e30f);
    }

    @Override
    protected void visitMixerParameters(ParameterVisitor v) {
        wqkv.visitParameters(v);
        outProj.visitParameters(v);
        rotary.visitParameters(v);
    }

    @Override
    protected void replaceMixerLinears(UnaryOperator<Linear> f) {
        wqkv = f.apply(wqkv);
        outProj = f.apply(outProj);
    }

    @Override
    public String kindName() {
        return "attn";
    }
}
