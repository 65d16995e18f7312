package org.evo2wb.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.function.UnaryOperator;

/**
 * Multi-head causal self-attention mixer (vortex {@code AttentionBlock} / {@code MHA}):
 * <pre>
 *   qkv = n·Wqkvᵀ  viewed (B, L, H, 3, d_h)         checkpoint rows are per head [q_h; k_h; v_h]
 *   q, k = RoPE(q), RoPE(k)                         see {@link Rotary}
 *   a_h = softmax( (q_h/√d_h)·k_hᵀ + M ) · v_h       M[t, s] = −∞ for s > t (causal)
 *                                                   (long inputs: in blocks of query rows, see queryRows;
 *                                                   on GPUs one fused operator, see FusedAttention)
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
    private final Precision precision;

    public AttentionBlock(ParameterSource src, int index, BlockDims dims, long heads, double ropeScalingFactor) {
        super(src, index, dims);
        this.hidden = dims.hidden();
        this.heads = heads;
        this.headDim = hidden / heads;
        String p = prefix + ".inner_mha_cls";
        this.wqkv = Linear.load(src, p + ".Wqkv", 3 * hidden, hidden, false, dims.precision());
        this.outProj = Linear.load(src, p + ".out_proj", hidden, hidden, true, dims.precision());
        this.rotary = new Rotary(src, p + ".rotary_emb.inv_freq", headDim, ropeScalingFactor);
        this.precision = dims.precision();
    }

    /** Score-block budget on the CPU: 2^22 elements (16 MiB in fp32). */
    static final long CPU_SCORE_BLOCK_ELEMENTS = 1L << 22;

    /**
     * Score-block budget on a GPU: 2^28 elements (1 GiB in fp32; the softmax and the masked scores take as much again
     * while a block is computed). At L = 8192 that is 4 blocks per layer instead of 128: each block costs about ten
     * kernel launches and JNI calls, which dominate the GPU's time with small blocks.
     */
    static final long GPU_SCORE_BLOCK_ELEMENTS = 1L << 28;

    /** While gradients are recorded on a GPU, at least this many blocks (their probabilities are kept for backward). */
    static final long MIN_BLOCKS_RECORDING = 16;

    /** Budget set by {@link #setScoreBlockElements}, or 0 for the device's default. */
    private static volatile long scoreBlockOverride = 0;

    /**
     * Sets the score-block budget for every device (elements of one (B, H, Q, K) block), in place of the defaults
     * (2^22 on the CPU, 2^28 on a GPU); {@link #resetScoreBlockElements()} restores them.
     */
    public static void setScoreBlockElements(long elements) {
        if (elements < 1) {
            throw new IllegalArgumentException("score block must hold at least one element, got " + elements);
        }
        scoreBlockOverride = elements;
    }

    /** Goes back to the device defaults for the score-block budget. */
    public static void resetScoreBlockElements() {
        scoreBlockOverride = 0;
    }

    /** The score-block budget on the CPU (the set one, if any). */
    public static long scoreBlockElements() {
        return scoreBlockElements(Device.cpu());
    }

    /** The score-block budget on {@code device} (the set one, if any). */
    public static long scoreBlockElements(Device device) {
        long set = scoreBlockOverride;
        return set > 0 ? set : device.isGpu() ? GPU_SCORE_BLOCK_ELEMENTS : CPU_SCORE_BLOCK_ELEMENTS;
    }

    /**
     * Query rows per score block: the budget's share of (B, H, ·, L), at least 64. Inputs up to that many rows are one
     * block. While gradients are recorded with the GPU default, blocks are also capped at ⌈L/16⌉ rows (at least 64):
     * each block's probabilities (Q × its keys) stay in the graph until backward, and 16 or more blocks keep that
     * within 6 % of the causal triangle, where one block would keep the whole square.
     *
     * @param recording whether the autograd graph is built (grad mode on)
     */
    public static long queryRows(Device device, long batch, long heads, long len, boolean recording) {
        long rows = Math.max(64, scoreBlockElements(device) / Math.max(1, batch * heads * len));
        if (recording && device.isGpu() && scoreBlockOverride == 0) {
            rows = Math.min(rows, Math.max(64, (len + MIN_BLOCKS_RECORDING - 1) / MIN_BLOCKS_RECORDING));
        }
        return rows;
    }

    /**
     * In fp16-mixed, q, k and v are rotated in fp32 and then cast to fp16: both attention products run on fp16
     * tensor cores with fp32 sums, the scores and probabilities are fp16 (the softmax itself is computed in fp32 and
     * rounded once), and the output goes to the fp16 output projection as it is. fp32 and TF32 compute all of it in
     * fp32.
     */
    @Override
    protected NDArray mix(NDArray n, Trace trace) {
        long b = n.getShape().get(0);
        long len = n.getShape().get(1);
        // each step in a scope of its own, so the projections, rotations and casts are freed as soon as they are
        // read rather than when the block ends (at 65,536 bases, gigabytes)
        NDArray qkv = Scoped.step(() -> wqkv.forward(n).reshape(b, len, heads, 3, headDim));
        boolean fused = FusedAttention.usedOn(n.getDevice());
        n.close();                  // read once: freed before the rotations and the attention
        NDArray[] cs = rotary.cosSin(len);
        DataType t = precision.gemmType();
        // the 1/√d_h factor goes on q (L·d_h products) rather than on every block's scores (Q·K products)
        NDArray q = Scoped.step(() -> Linear.cast(Scalars.mul(Rotary.apply(qkv.get(":, :, :, 0, :"), cs),
                1.0 / Math.sqrt(headDim)), t).transpose(0, 2, 1, 3));                    // (B, H, L, d_h)
        NDArray v = Scoped.step(() -> Linear.cast(qkv.get(":, :, :, 2, :"), t).transpose(0, 2, 1, 3));
        NDArray k = Scoped.step(() -> Linear.cast(Rotary.apply(qkv.get(":, :, :, 1, :"), cs), t)
                .transpose(0, 2, fused ? 1 : 3, fused ? 3 : 1));     // (B, H, L, d_h), or kᵀ for the blocked path
        qkv.close();
        for (NDArray c : cs) {
            c.close();
        }
        NDArray heads4;
        if (fused) {
            heads4 = FusedAttention.causal(q, k, v);
            k.close();
        } else {
            heads4 = blocked(q, v, k);
        }
        q.close();
        v.close();
        NDArray a = Scoped.step(() -> heads4.transpose(0, 2, 1, 3).reshape(b, len, hidden));
        heads4.close();
        trace.record(prefix + ".attn", a);
        NDArray out = outProj.forward(a);
        a.close();
        trace.record(prefix + ".out_proj", out);
        return out;
    }

    /**
     * Attention in blocks of query rows with DJL operators (the reference; see {@link #queryRows}).
     *
     * @param q (B, H, L, d_h), scaled by 1/√d_h (its device and manager are the block's)
     * @param v (B, H, L, d_h)
     * @param k kᵀ, (B, H, d_h, L); closed here
     * @return (B, H, L, d_h)
     */
    private NDArray blocked(NDArray q, NDArray v, NDArray k) {
        long b = q.getShape().get(0);
        long len = q.getShape().get(2);
        DataType t = q.getDataType();
        long rows = Math.min(len, queryRows(q.getDevice(), b, heads, len, GradMode.isEnabled()));
        NDArray mask = causalMask(q, rows, len, t);
        NDArray a;
        if (rows == len) {
            a = attend(q, k, v, mask);
        } else {
            NDList parts = new NDList();
            for (long q0 = 0; q0 < len; q0 += rows) {
                long q1 = Math.min(len, q0 + rows);
                NDList views = new NDList(q.get(NDIndex.sliceAxis(2, q0, q1)), k.get(NDIndex.sliceAxis(3, 0, q1)),
                        v.get(NDIndex.sliceAxis(2, 0, q1)), maskFor(mask, rows, len, q0, q1));
                parts.add(attend(views.get(0), views.get(1), views.get(2), views.get(3)));
                views.close();
            }
            a = NDArrays.concat(parts, 2);
            parts.close();
        }
        k.close();
        mask.close();
        return a;
    }

    /**
     * Causal attention of a block of query rows over the keys up to its last row.
     *
     * @param q (B, H, Q, d_h), already scaled by 1/√d_h
     * @param kt (B, H, d_h, K)
     * @param v (B, H, K, d_h)
     * @param mask (Q, K) additive causal mask
     * @return (B, H, Q, d_h)
     */
    private NDArray attend(NDArray q, NDArray kt, NDArray v, NDArray mask) {
        // each score block is freed as soon as the next step has read it (the autograd graph keeps what backward
        // needs), so a layer holds one block's scores at a time rather than all of them until the block ends
        NDArray scores = q.matMul(kt);
        NDArray masked = scores.add(mask);
        scores.close();
        NDArray p = masked.softmax(-1);
        masked.close();
        NDArray out = p.matMul(v);
        p.close();
        return out;
    }

    /**
     * Additive causal mask of the last block of {@code rows} query rows, (rows, L), fp32: row i is query L − rows + i,
     * 0 for keys up to it and −1e30 after it (exp underflows to exactly 0). Every block's mask is a view of it
     * ({@link #maskFor}), so it is built once per layer call.
     */
    static NDArray causalMask(NDArray like, long rows, long len) {
        return causalMask(like, rows, len, DataType.FLOAT32);
    }

    /**
     * {@link #causalMask(NDArray, long, long)} of type {@code type}; in fp16 the masked entries are −65504, the
     * lowest fp16 number (a masked score then rounds to at most −65504 or −∞, and its exp to exactly 0: every row
     * keeps its own key, so no row is all −∞).
     */
    static NDArray causalMask(NDArray like, long rows, long len, DataType type) {
        NDArray keys = like.getManager().arange(0f, (float) len, 1f, DataType.FLOAT32, like.getDevice());
        NDArray queries = rows == len ? keys : keys.get(NDIndex.sliceAxis(0, len - rows, len));
        NDArray future = keys.reshape(1, len).gt(queries.reshape(rows, 1));
        if (type == DataType.FLOAT16) {
            return future.toType(DataType.FLOAT16, false).mul(-65504f);
        }
        return future.toType(DataType.FLOAT32, false).mul(-1e30f);
    }

    /**
     * The mask (q1 − q0, q1) of query rows q0..q1−1 over keys 0..q1−1, as a view of {@link #causalMask}'s (rows, L):
     * its entry [i, j] is −1e30 exactly when key j lies after query q0 + i. Shifting the keys right by L − q1 and the
     * rows down by rows − (q1 − q0) lines that condition up with the last block's.
     */
    static NDArray maskFor(NDArray mask, long rows, long len, long q0, long q1) {
        return mask.get(new NDIndex().addSliceDim(rows - (q1 - q0), rows).addSliceDim(len - q1, len));
    }

    /** The fused q/k/v projection (rows per head [q_h; k_h; v_h]). */
    public Linear wqkv() {
        return wqkv;
    }

    /** The output projection. */
    public Linear outProj() {
        return outProj;
    }

    /** The rotary position embedding. */
    public Rotary rotary() {
        return rotary;
    }

    /** Number of heads H. */
    public long heads() {
        return heads;
    }

    /** Head width d_h = D/H. */
    public long headDim() {
        return headDim;
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
    public BlockKind kind() {
        return BlockKind.ATTENTION;
    }
}
