package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.function.UnaryOperator;

/**
 * Multi-head causal self-attention mixer (vortex {@code AttentionBlock} / {@code MHA}):
 * <pre>
 *   qkv = n·Wqkvᵀ  viewed (B, L, H, 3, d_h)         checkpoint rows are per head [q_h; k_h; v_h]
 *   q, k = RoPE(q), RoPE(k)                         see {@link Rotary}
 *   a_h = softmax( q_h·k_hᵀ / √d_h + M ) · v_h       M[t, s] = −∞ for s > t (causal)
 *                                                   (long inputs: in blocks of query rows, see setScoreBlockElements)
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

    /**
     * Budget of one score block, in elements of (B, H, Q, K): longer inputs are processed in blocks of Q query rows, each
     * seeing only keys up to its last row (exact causal softmax per row, half the work, bounded memory).
     */
    private static volatile long scoreBlockElements = 1L << 22;

    /** Sets the score-block budget (elements of one (B, H, Q, K) block; default 2^22, 16 MiB in fp32). */
    public static void setScoreBlockElements(long elements) {
        if (elements < 1) {
            throw new IllegalArgumentException("score block must hold at least one element, got " + elements);
        }
        scoreBlockElements = elements;
    }

    public static long scoreBlockElements() {
        return scoreBlockElements;
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
        long rows = Math.max(64, scoreBlockElements / Math.max(1, b * heads * len));
        NDArray a;
        if (rows >= len) {
            a = attend(q, k, v, 0, len);
        } else {
            NDList parts = new NDList();
            for (long q0 = 0; q0 < len; q0 += rows) {
                long q1 = Math.min(len, q0 + rows);
                parts.add(attend(q.get(":, :, " + q0 + ":" + q1 + ", :"), k.get("..., :" + q1),
                        v.get(":, :, :" + q1 + ", :"), q0, q1));
            }
            a = NDArrays.concat(parts, 2);
        }
        a = a.transpose(0, 2, 1, 3).reshape(b, len, hidden);
        trace.record(prefix + ".attn", a);
        NDArray out = outProj.forward(a);
        trace.record(prefix + ".out_proj", out);
        return out;
    }

    /**
     * Causal attention of query rows q0..q1-1 over keys 0..q1-1.
     *
     * @param q (B, H, q1-q0, d_h)
     * @param kt (B, H, d_h, q1)
     * @param v (B, H, q1, d_h)
     * @return (B, H, q1-q0, d_h)
     */
    private NDArray attend(NDArray q, NDArray kt, NDArray v, long q0, long q1) {
        NDArray scores = Scalars.mul(q.matMul(kt), 1.0 / Math.sqrt(headDim)).add(causalMask(q, q0, q1));
        return scores.softmax(-1).matMul(v);
    }

    /**
     * Additive causal mask (q1-q0, q1) for query positions q0..q1-1 and key positions 0..q1-1: 0 where the key is
     * not in the future, −1e30 where it is (exp underflows to exactly 0).
     */
    static NDArray causalMask(NDArray like, long q0, long q1) {
        NDArray keys = like.getManager().arange(0f, (float) q1, 1f, DataType.FLOAT32, like.getDevice());
        NDArray queries = q0 == 0 ? keys : keys.get(q0 + ":");
        NDArray future = keys.reshape(1, q1).gt(queries.reshape(q1 - q0, 1));
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
