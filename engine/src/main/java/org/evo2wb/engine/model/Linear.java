package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
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
 *
 * <p>fp16-mixed ({@link Precision#FP16}): the input is cast to fp16, multiplied by an fp16 weight (and bias), and
 * the product is cast back to fp32, so everything around the layer (residual stream, norms, softmax, FFT
 * convolutions) stays fp32. The fp16 weight is either the only one the layer holds (a model loaded with
 * {@link MasterWeights#NONE}: {@link #weight()} is then fp16), or a copy of an fp32 master weight: a frozen layer
 * keeps its fp16 copies between calls (made on first use, dropped by {@link #weightsChanged()}); a trained layer
 * casts its fp32 master weight on every call, so the gradient reaches the fp32 weight.
 */
public class Linear {

    private final String name;
    private final NDArray weight;
    private final NDArray bias;
    private final Precision precision;
    private final HalfCopies half;

    public Linear(String name, NDArray weight, NDArray bias, Precision precision) {
        this(name, weight, bias, precision, new HalfCopies());
    }

    /** A layer on the same tensors as {@code base}, sharing its fp16 copies (adapters wrap layers this way). */
    protected Linear(Linear base) {
        this(base.name, base.weight, base.bias, base.precision, base.half);
    }

    private Linear(String name, NDArray weight, NDArray bias, Precision precision, HalfCopies half) {
        this.name = name;
        this.weight = weight;
        this.bias = bias;
        this.precision = precision;
        this.half = half;
    }

    /** Loads {@code name.weight} (out, in) and, if {@code hasBias}, {@code name.bias} (out). */
    public static Linear load(ParameterSource src, String name, long out, long in, boolean hasBias,
                              Precision precision) {
        NDArray w = src.get(name + ".weight", ParameterKind.LINEAR_WEIGHT, out, in);
        NDArray b = hasBias ? src.get(name + ".bias", ParameterKind.LINEAR_BIAS, out) : null;
        return new Linear(name, w, b, precision);
    }

    /** {@code y = x·Wᵀ + b}, fp32 (in fp16-mixed the fp16 product widened). */
    public NDArray forward(NDArray x) {
        NDArray y = forwardInGemmType(x);
        if (!precision.isHalf()) {
            return y;
        }
        NDArray out = cast(y, DataType.FLOAT32);
        if (out != y) {
            y.close();              // the fp16 product, freed once widened
        }
        return out;
    }

    /**
     * {@code y = x·Wᵀ + b} left in the precision's GEMM type: fp16 in fp16-mixed (for the next fp16 product or
     * elementwise step inside a block, which then reads and writes half the bytes), fp32 otherwise. {@code x} may be
     * fp32 or fp16.
     */
    public NDArray forwardInGemmType(NDArray x) {
        if (!precision.isHalf()) {
            return affine(x, weight, bias, precision);
        }
        if (isHalfOnly()) {
            return halfProductInHalf(x, weight, bias == null ? null : cast(bias, DataType.FLOAT16));
        }
        if (weight.hasGradient() || bias != null && bias.hasGradient()) {
            half.drop();                                 // trained: copies would go stale after the next update
            return halfProductInHalf(x, cast(weight, DataType.FLOAT16),
                    bias == null ? null : cast(bias, DataType.FLOAT16));
        }
        NDArray[] wb = half.of(weight, bias);
        return halfProductInHalf(x, wb[0], wb[1]);
    }

    /**
     * Whether {@link #forwardInGemmType} is exactly {@code x·Wᵀ + b} with {@link #gemmWeights}: true for a plain
     * layer; an adapter that adds its own term answers false until it is merged.
     */
    public boolean isPlainAffine() {
        return true;
    }

    /**
     * The weight and bias (null if none) as {@link #forwardInGemmType} multiplies them: the fp32 tensors in fp32 and
     * TF32; in fp16-mixed the fp16 weight of a layer that holds only fp16, or the fp16 copies a frozen layer keeps of
     * its masters. Casts this layer does not keep (a bias stored as fp32 beside an fp16-only weight, the masters of a
     * layer being trained) are made here and attached to {@code owner}, which then frees them.
     */
    public NDArray[] gemmWeights(NDManager owner) {
        if (!precision.isHalf()) {
            return new NDArray[] {weight, bias};
        }
        if (!isHalfOnly() && !weight.hasGradient() && (bias == null || !bias.hasGradient())) {
            return half.of(weight, bias).clone();
        }
        return new NDArray[] {inGemmType(weight, precision, owner),
            bias == null ? null : inGemmType(bias, precision, owner)};
    }

    /**
     * {@code a} in the precision's GEMM type: itself if it has that type, else a copy attached to {@code owner}
     * (e.g. the tied embedding for the unembedding product, which {@link #affine} casts on every call).
     */
    public static NDArray inGemmType(NDArray a, Precision precision, NDManager owner) {
        if (a.getDataType() == precision.gemmType()) {
            return a;
        }
        NDArray h;
        try (GradMode off = GradMode.disabled()) {
            h = a.toType(precision.gemmType(), true);
        }
        NDScope.unregister(h);
        h.attach(owner);
        return h;
    }

    /** Whether the layer holds its weight only as fp16 (no fp32 master; cannot be trained). */
    public boolean isHalfOnly() {
        return weight.getDataType() == DataType.FLOAT16;
    }

    /** Drops the fp16 copies of the weight and bias; call after changing either in place. */
    protected void weightsChanged() {
        half.drop();
    }

    /** The product {@code x·wᵀ + b} in the precision's GEMM type, returned as fp32; {@code b} may be null. */
    public static NDArray affine(NDArray x, NDArray w, NDArray b, Precision precision) {
        if (!precision.isHalf()) {
            return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
        }
        return cast(affineInGemmType(x, w, b, precision), DataType.FLOAT32);
    }

    /** {@link #affine} left in the precision's GEMM type (fp16 in fp16-mixed). */
    public static NDArray affineInGemmType(NDArray x, NDArray w, NDArray b, Precision precision) {
        if (!precision.isHalf()) {
            return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
        }
        return halfProductInHalf(x, cast(w, DataType.FLOAT16), b == null ? null : cast(b, DataType.FLOAT16));
    }

    /** {@code x} cast to fp16, times fp16 {@code w}, plus fp16 {@code b}: fp16. */
    private static NDArray halfProductInHalf(NDArray x, NDArray w, NDArray b) {
        NDArray xc = cast(x, DataType.FLOAT16);
        return xc.getNDArrayInternal().linear(xc, w, b).singletonOrThrow();
    }

    /** {@code x} in the precision's GEMM type (fp16 in fp16-mixed), e.g. to cast an input shared by two layers once. */
    public static NDArray toGemmType(NDArray x, Precision precision) {
        return cast(x, precision.gemmType());
    }

    /**
     * {@code a} as type {@code t}. With grad mode on the value is converted by an operation that autograd follows
     * (the gradient comes back in {@code a}'s type); DJL's {@code toType} would cut the graph: fp16 → fp32 by adding
     * a one-element fp32 zero (type promotion widens), otherwise by copying into a new array of type {@code t}.
     */
    public static NDArray cast(NDArray a, DataType t) {
        if (a.getDataType() == t) {
            return a;
        }
        if (!GradMode.isEnabled()) {
            return a.toType(t, false);
        }
        if (t == DataType.FLOAT32 && a.getDataType() == DataType.FLOAT16) {
            return a.add(a.getManager().zeros(new ai.djl.ndarray.types.Shape(1), DataType.FLOAT32, a.getDevice()));
        }
        NDArray out = a.getManager().zeros(a.getShape(), t, a.getDevice());
        out.set(new NDIndex("..."), a);
        return out;
    }

    /** Checkpoint prefix of this layer, e.g. {@code blocks.0.mlp.l1}. */
    public String name() {
        return name;
    }

    /** The weight: fp32, or fp16 for a layer that {@link #isHalfOnly() holds only fp16}. */
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

    /** The fp16 copies of a frozen layer's weight and bias, made on first use and kept out of every scope. */
    private static final class HalfCopies {
        private NDArray weight;
        private NDArray bias;

        synchronized NDArray[] of(NDArray w, NDArray b) {
            if (weight == null) {
                try (GradMode off = GradMode.disabled()) {
                    weight = w.toType(DataType.FLOAT16, true);
                    bias = b == null ? null : b.toType(DataType.FLOAT16, true);
                }
                NDScope.unregister(weight);
                if (bias != null) {
                    NDScope.unregister(bias);
                }
            }
            return new NDArray[] {weight, bias};
        }

        synchronized void drop() {
            if (weight != null) {
                weight.close();
                if (bias != null) {
                    bias.close();
                }
                weight = null;
                bias = null;
            }
        }
    }
}
