package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.function.UnaryOperator;

/**
 * The gated MLP of every Evo 2 block:
 * <pre>
 *   a = n·W1ᵀ,  b = n·W2ᵀ,  out = ( act(a) ⊙ b )·W3ᵀ
 * </pre>
 * with {@code act} = exact (erf) GELU in block 0 only and the identity in every later block
 * ({@code evo2_style_activations}: the released weights were trained that way, spec §3.5).
 *
 * <p>Legend: n (B, L, D), W1 and W2 (I, D) = {@code mlp.l1.weight}, {@code mlp.l2.weight}, W3 (D, I) =
 * {@code mlp.l3.weight}; no biases.
 */
public final class ParallelGatedMlp {

    private Linear l1;
    private Linear l2;
    private Linear l3;
    private final boolean gelu;

    /**
     * @param prefix {@code blocks.i.mlp}
     * @param gelu whether {@code act} is GELU (block 0 with {@code evo2_style_activations}) or the identity
     */
    public ParallelGatedMlp(ParameterSource src, String prefix, long d, long inner, boolean gelu,
                            Precision precision) {
        this.l1 = Linear.load(src, prefix + ".l1", inner, d, false, precision);
        this.l2 = Linear.load(src, prefix + ".l2", inner, d, false, precision);
        this.l3 = Linear.load(src, prefix + ".l3", d, inner, false, precision);
        this.gelu = gelu;
    }

    /**
     * The MLP on the normalised input, fp32 out. In fp16-mixed the input is cast to fp16 once, and {@code a},
     * {@code b} and their product stay fp16 up to W3: half the bytes of fp32 for the block's widest tensors, and the
     * same values, since a and b are fp16 products and W3 multiplies an fp16 copy of its input in any case (only
     * block 0's GELU output is rounded once more).
     */
    public NDArray forward(NDArray n) {
        NDArray in = Linear.toGemmType(n, l1.precision());
        NDArray a = l1.forwardInGemmType(in);
        if (gelu) {
            NDArray g = Activation.gelu(a);
            a.close();
            a = g;
        }
        NDArray b = l2.forwardInGemmType(in);
        if (in != n) {
            in.close();
        }
        NDArray ab = a.mul(b);
        a.close();                  // freed as soon as read (autograd keeps what backward needs)
        b.close();
        NDArray out = l3.forward(ab);
        ab.close();
        return out;
    }

    /** W1, the gated branch (before the activation). */
    public Linear l1() {
        return l1;
    }

    /** W2, the other branch. */
    public Linear l2() {
        return l2;
    }

    /** W3, the output projection. */
    public Linear l3() {
        return l3;
    }

    /** I, the width of the MLP's gated product. */
    public long innerSize() {
        return l1.outFeatures();
    }

    public boolean usesGelu() {
        return gelu;
    }

    public void visitParameters(ParameterVisitor v) {
        l1.visitParameters(v);
        l2.visitParameters(v);
        l3.visitParameters(v);
    }

    void replaceLinears(UnaryOperator<Linear> f) {
        l1 = f.apply(l1);
        l2 = f.apply(l2);
        l3 = f.apply(l3);
    }
}
