package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;

/**
 * The gated-convolution mixer shared by the three Hyena block types (vortex {@code ParallelGatedConvBlock}):
 * <pre>
 *   z       = n·Wpᵀ                                   (B, L, 3D)  projections, no bias
 *   s[r,t]  = w[r,0]·z[r,t-2] + w[r,1]·z[r,t-1] + w[r,2]·z[r,t]   short depthwise causal conv, 3 taps
 *   q_i = s[3i],  k_i = s[3i+1],  v_i = s[3i+2]        interleaved: post-gate, pre-gate, value
 *   u       = k ⊙ v                                   (B, D, L)
 *   y       = q ⊙ filter(u)                           filter = hcs | hcm | hcl (subclass)
 *   mix(n)  = yᵀ·Wdᵀ + bd                             out_filter_dense, with bias
 * </pre>
 * Legend: B batch, L length, D hidden width, r ∈ [0, 3D) projection channel, i ∈ [0, D) feature. Keys under
 * {@code blocks.i.}: {@code projections.weight} (3D, D), {@code filter.short_filter_weight} (3D, 1, 3),
 * {@code out_filter_dense.weight} (D, D), {@code out_filter_dense.bias} (D), plus the subclass's filter tensors.
 */
public abstract class HyenaBlock extends Block {

    protected final long hidden;
    private Linear projections;
    private final NDArray shortFilter;
    private Linear outFilterDense;

    protected HyenaBlock(ParameterSource src, int index, BlockDims dims, int shortFilterLength) {
        super(src, index, dims);
        this.hidden = dims.hidden();
        this.projections = Linear.load(src, prefix + ".projections", 3 * hidden, hidden, false, dims.precision());
        this.shortFilter = src.get(prefix + ".filter.short_filter_weight", ParameterKind.SHORT_FILTER,
                3 * hidden, 1, shortFilterLength);
        this.outFilterDense = Linear.load(src, prefix + ".out_filter_dense", hidden, hidden, true,
                dims.precision());
    }

    /**
     * The inner filter applied to the pre-gated signal, before the post-gate.
     *
     * @param u pre-gated signal k ⊙ v, (B, D, L), of type {@link #filterType}
     * @return (B, D, L), fp32 or u's type
     */
    protected abstract NDArray filter(NDArray u);

    /**
     * The type the filter computes in for inputs of length {@code len} when the projections come out as
     * {@code gemmType}: FFT convolutions need fp32 (the default), direct convolutions can take fp16.
     */
    protected DataType filterType(long len, DataType gemmType) {
        return DataType.FLOAT32;
    }

    /**
     * In fp16-mixed the projections stay fp16 through the short convolution (its taps rounded to fp16) and the
     * gates, and the pre-gated signal is formed in the filter's type ({@link #filterType}); the post-gated output
     * goes to the fp16 output projection. In fp32 and TF32 everything is fp32.
     */
    @Override
    protected NDArray mix(NDArray n, Trace trace) {
        Shape shape = n.getShape();
        long b = shape.get(0);
        long len = shape.get(1);
        NDArray z = projections.forwardInGemmType(n);
        n.close();                  // read once: freed before the mixer's widest steps
        trace.record(prefix + ".projections", z);
        NDArray s = Scoped.step(() -> Convolutions.causalDepthwise(z.transpose(0, 2, 1),
                Linear.cast(shortFilter, z.getDataType())));
        trace.record(prefix + ".short_conv", s);
        DataType filterType = filterType(len, z.getDataType());
        z.close();                  // temporaries are freed as soon as they are read (autograd keeps its own)
        NDArray s4 = s.reshape(b, hidden, 3, len);
        NDArray q = s4.get(":, :, 0, :");
        NDArray k = s4.get(":, :, 1, :");
        NDArray v = s4.get(":, :, 2, :");
        NDArray u = Scoped.step(() -> Linear.cast(k, filterType).mul(v));
        k.close();
        v.close();
        NDArray f = filter(u);
        u.close();
        NDArray y = Scoped.step(() -> f.mul(q).transpose(0, 2, 1));
        f.close();
        q.close();
        s4.close();
        s.close();
        trace.record(prefix + ".filter", y);
        NDArray out = outFilterDense.forward(y);
        y.close();
        trace.record(prefix + ".out_filter_dense", out);
        return out;
    }

    /** The input projection (3D outputs, interleaved post-gate, pre-gate, value). */
    public Linear projections() {
        return projections;
    }

    /** The short depthwise causal convolution's taps (3D, 1, K), applied as a cross-correlation. */
    public NDArray shortFilter() {
        return shortFilter;
    }

    /** The output projection. */
    public Linear outFilterDense() {
        return outFilterDense;
    }

    /** Hidden width D. */
    public long hidden() {
        return hidden;
    }

    @Override
    protected void visitMixerParameters(ParameterVisitor v) {
        projections.visitParameters(v);
        v.visit(prefix + ".filter.short_filter_weight", ParameterKind.SHORT_FILTER, shortFilter);
        outFilterDense.visitParameters(v);
        visitFilterParameters(v);
    }

    /** Visits the subclass's filter tensors. */
    protected abstract void visitFilterParameters(ParameterVisitor v);

    @Override
    protected void replaceMixerLinears(UnaryOperator<Linear> f) {
        projections = f.apply(projections);
        outFilterDense = f.apply(outFilterDense);
    }
}
