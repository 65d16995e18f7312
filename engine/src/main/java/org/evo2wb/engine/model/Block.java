package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.function.UnaryOperator;

/**
 * One residual block of the stack: a sequence mixer (Hyena filter or attention) and a gated MLP, each behind an
 * RMSNorm:
 * <pre>
 *   h   = mix( RMSNorm_pre(x) ) + x
 *   out = MLP( RMSNorm_post(h) ) + h
 * </pre>
 * Legend: x, h, out (B, L, D). Keys: {@code blocks.i.pre_norm.scale}, {@code blocks.i.post_norm.scale},
 * {@code blocks.i.mlp.*}.
 */
public abstract class Block {

    protected final int index;
    protected final String prefix;
    protected final RmsNorm preNorm;
    protected final RmsNorm postNorm;
    protected final ParallelGatedMlp mlp;

    protected Block(ParameterSource src, int index, BlockDims dims) {
        this.index = index;
        this.prefix = "blocks." + index;
        this.preNorm = new RmsNorm(src, prefix + ".pre_norm.scale", dims.hidden(), dims.eps());
        this.postNorm = new RmsNorm(src, prefix + ".post_norm.scale", dims.hidden(), dims.eps());
        this.mlp = new ParallelGatedMlp(src, prefix + ".mlp", dims.hidden(), dims.inner(), dims.geluInMlp(index),
                dims.precision());
    }

    /**
     * The sequence mixer on the normalised input, without the residual: (B, L, D) → (B, L, D). It may close {@code n}
     * once it has read it (the block closes it afterwards in any case).
     */
    protected abstract NDArray mix(NDArray n, Trace trace);

    /** The block: (B, L, D) → (B, L, D). */
    public NDArray forward(NDArray x, Trace trace) {
        NDArray n = preNorm.forward(x);
        trace.record(prefix + ".pre_norm", n);
        NDArray mixed = mix(n, trace);
        n.close();                  // each temporary is freed once read; autograd keeps what backward needs
        NDArray h = mixed.add(x);
        mixed.close();
        long positions = tailPositions(h, trace);
        NDArray out = positions >= h.getShape().get(1) ? tail(h, trace) : tailInChunks(h, positions);
        h.close();
        return out;
    }

    /** {@code MLP(RMSNorm_post(h)) + h}. */
    private NDArray tail(NDArray h, Trace trace) {
        NDArray m = postNorm.forward(h);
        trace.record(prefix + ".post_norm", m);
        NDArray y = mlp.forward(m);
        m.close();
        trace.record(prefix + ".mlp", y);
        NDArray out = y.add(h);
        y.close();
        return out;
    }

    /**
     * Positions per chunk of the tail: all of them while gradients are recorded (autograd keeps every position's
     * values in any case) or a trace wants whole tensors. Without gradients the post-norm, MLP and residual, which act
     * on each position alone, run over chunks of positions whose MLP tensors (each of its three (B, L, I) ones) hold
     * at most {@link Chunked#values} values (Evo 2 7B: chunks of 12,192 positions, so at 65,536 the norm's and the
     * MLP's temporaries take, by their sizes, about 1 GiB at once instead of about 5.5 GiB).
     */
    private long tailPositions(NDArray h, Trace trace) {
        long len = h.getShape().get(1);
        if (GradMode.isEnabled() || trace != Trace.NONE) {
            return len;
        }
        return positionsPerChunk(h.getShape().get(0), mlp.innerSize());
    }

    /** Positions per chunk of the tail without gradients at batch b and MLP width I. */
    public static long positionsPerChunk(long b, long inner) {
        return Math.max(1, Chunked.values() / (b * inner));
    }

    /** {@link #tail} over chunks of {@code positions} positions, written into one output. */
    private NDArray tailInChunks(NDArray h, long positions) {
        return Chunked.alongAxis1(h, positions, (p0, p1) -> {
            NDArray hc = h.get(NDIndex.sliceAxis(1, p0, p1));
            NDArray oc = tail(hc, Trace.NONE);
            hc.close();
            return oc;
        });
    }

    /** Frees what the block keeps between forwards (none by default); it is rebuilt when next needed. */
    public void releaseCaches() {
    }

    /**
     * Whether the block keeps anything between forwards (on by default); off, it frees what it keeps and builds it in
     * every forward instead (a training step short of memory).
     */
    public void keepCaches(boolean on) {
    }

    public int index() {
        return index;
    }

    /** The norm before the mixer (for step-by-step decoding, which runs the block's pieces itself). */
    public RmsNorm preNorm() {
        return preNorm;
    }

    /** The norm before the MLP. */
    public RmsNorm postNorm() {
        return postNorm;
    }

    /** The gated MLP. */
    public ParallelGatedMlp mlp() {
        return mlp;
    }

    /** The block type (hcs, hcm, hcl or attn). */
    public abstract BlockKind kind();

    /** Visits every tensor of the block in checkpoint order. */
    public void visitParameters(ParameterVisitor v) {
        preNorm.visitParameters(v);
        postNorm.visitParameters(v);
        mlp.visitParameters(v);
        visitMixerParameters(v);
    }

    /** Visits the mixer's tensors (linears, filters, buffers) in checkpoint order. */
    protected abstract void visitMixerParameters(ParameterVisitor v);

    /** Replaces (or keeps) each linear layer of the block: mixer layers first, then l1, l2, l3. */
    public void replaceLinears(UnaryOperator<Linear> f) {
        replaceMixerLinears(f);
        mlp.replaceLinears(f);
    }

    protected abstract void replaceMixerLinears(UnaryOperator<Linear> f);
}
