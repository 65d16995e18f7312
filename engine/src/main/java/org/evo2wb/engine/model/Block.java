package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
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

    /** The sequence mixer on the normalised input, without the residual: (B, L, D) → (B, L, D). */
    protected abstract NDArray mix(NDArray n, Trace trace);

    /** The block: (B, L, D) → (B, L, D). */
    public NDArray forward(NDArray x, Trace trace) {
        NDArray n = preNorm.forward(x);
        trace.record(prefix + ".pre_norm", n);
        NDArray mixed = mix(n, trace);
        n.close();                  // each temporary is freed once read; autograd keeps what backward needs
        NDArray h = mixed.add(x);
        mixed.close();
        NDArray m = postNorm.forward(h);
        trace.record(prefix + ".post_norm", m);
        NDArray y = mlp.forward(m);
        m.close();
        trace.record(prefix + ".mlp", y);
        NDArray out = y.add(h);
        y.close();
        h.close();
        return out;
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
