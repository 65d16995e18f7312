package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Affine map {@code y = x·Wᵀ + b} on the last axis.
 *
 * <p>Shapes: x (…, in), W (out, in), b (out) or none, y (…, out). Parameters are named {@code <name>.weight} and
 * {@code <name>.bias} where {@code name} is the checkpoint prefix (e.g. {@code blocks.3.inner_mha_cls.Wqkv}).
 *
 * <p>This is the seam for adapters: a LoRA layer subclasses {@code Linear} (or wraps one and overrides
 * {@link #forward}) and is put in place with {@link StripedHyena#replaceLinears}. The matrix product runs in the
 * {@link Precision}'s GEMM type; parameters and the result stay fp32.
 */
public class Linear {

    private final String name;
    private final NDArray weight;
    private final NDArray bias;
    private final Precision precision;

    public Linear(String name, NDArray weight, NDArray bias, Precision precision) {
        this.name = name;
        this.weight = weight;
        this.bias = bias;
        this.precision = precision;
    }

    /** Loads {@code name.weight} (out, in) and, if {@code hasBias}, {@code name.bias} (out). */
    public static Linear load(ParameterSource src, String name, long out, long in, boolean hasBias,
                              Precision precision) {
        NDArray w = src.get(name + ".weight", ParameterKind.LINEAR_WEIGHT, out, in);
        NDArray b = hasBias ? src.get(name + ".bias", ParameterKind.LINEAR_BIAS, out) : null;
        return new Linear(name, w, b, precision);
    }

    /** {@code y = x·Wᵀ + b}. */
    public NDArray forward(NDArray x) {
        return affine(x, weight, bias, precision);
    }

    /** The product {@code x·wᵀ + b} in the precision's GEMM type, returned as fp32; {@code b} may be null. */
    public static NDArray affine(NDArray x, NDArray w, NDArray b, Precision precision) {
        DataType t = precision.gemmType();
        if (t == DataType.FLOAT32) {
            return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
        }
        NDArray xc = x.toType(t, false);
        NDArray wc = w.toType(t, false);
        NDArray bc = b == null ? null : b.toType(t, false);
        return xc.getNDArrayInternal().linear(xc, wc, bc).singletonOrThrow().toType(DataType.FLOAT32, false);
    }

    /** Checkpoint prefix of this layer, e.g. {@code blocks.0.mlp.l1}. */
    public String name() {
        return name;
    }

    public NDArray weight() {
        return weight;
    }

    /** The bias, or null. */
    public NDArray bias() {
        return bias;
    }

    public Precision precision() {
        return precision;
    }

    public long inFeatures() {
        return weight.getShape().get(1);
    }

    public long outFeatures() {
        return weight.getShape().get(0);
    }

    /**
     * Visits this layer's own tensors. Adapters override this to add theirs (named under the same prefix) and must
     * still visit the base weight so exports stay complete.
     */
    public void visitParameters(ParameterVisitor v) {
        v.visit(name + ".weight", ParameterKind.LINEAR_WEIGHT, weight);
        if (bias != null) {
            v.visit(name + ".bias", ParameterKind.LINEAR_BIAS, bias);
        }
    }
}
