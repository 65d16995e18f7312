package org.evo2wb.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.Linear;
import org.evo2wb.engine.model.ParameterKind;
import org.evo2wb.engine.model.ParameterVisitor;
import org.evo2wb.engine.model.Scalars;

/**
 * A linear layer with a low-rank adapter (LoRA, Hu et al. 2021, arXiv 2106.09685):
 *
 * <pre>
 *          ┌───────────────────┐
 *   x ──┬─►│ W (out×in), frozen │──────────────────────────────┐
 *       │  └───────────────────┘                               ▼
 *       └─► dropout ─► A (r×in) ─► B (out×r) ─► × α/r ───────► (+) ─► y = W·x + b + (α/r)·B·A·dropout(x)
 * </pre>
 *
 * W and b stay frozen; only A and B train. B starts at zero, so a fresh adapter leaves the model's function
 * unchanged (paper §4.1); A starts Kaiming-uniform as in PEFT ({@code kaiming_uniform_(a=√5)}, i.e. U(−1/√in, 1/√in)).
 * The rank r bounds the update's rank; α/r keeps its scale stable when r changes (paper §4.1). {@link #merge()}
 * folds the update into W (idempotent) for export or fast inference.
 *
 * <p>Parameters are named {@code <layer>.lora_A.weight} (r, in) and {@code <layer>.lora_B.weight} (out, r), after
 * the layer's checkpoint name.
 */
public final class LoraLinear extends Linear {

    private final NDArray a;
    private final NDArray b;
    private final int rank;
    private final double alpha;
    private final float dropout;
    private boolean training = true;
    private boolean merged;

    /**
     * Wraps {@code base} with a fresh adapter.
     *
     * @param seed seeds A's initialisation (with the layer name, so each layer differs)
     */
    public LoraLinear(Linear base, int rank, double alpha, double dropout, long seed) {
        super(base);
        if (base instanceof LoraLinear) {
            throw new IllegalArgumentException(base.name() + " already has a LoRA adapter");
        }
        this.rank = rank;
        this.alpha = alpha;
        this.dropout = (float) dropout;
        int in = Math.toIntExact(inFeatures());
        int out = Math.toIntExact(outFeatures());
        NDManager m = base.weight().getManager();
        float bound = (float) (1 / Math.sqrt(in));
        Random random = new Random(seed * 0x9E3779B97F4A7C15L ^ base.name().hashCode());
        float[] init = new float[rank * in];
        for (int i = 0; i < init.length; i++) {
            init[i] = (random.nextFloat() * 2 - 1) * bound;
        }
        this.a = m.create(init, new Shape(rank, in));
        this.b = m.zeros(new Shape(out, rank));
        a.setRequiresGradient(true);
        b.setRequiresGradient(true);
    }

    /**
     * {@code W·x + b + (α/r)·B·A·dropout(x)} in the precision's GEMM type (just {@code W·x + b} once merged); the
     * fp32 {@link #forward} widens it. In fp16-mixed both products and the sum are fp16 (A and B are cast from their
     * fp32 masters on every call, so their gradients reach the masters).
     */
    @Override
    public NDArray forwardInGemmType(NDArray x) {
        if (merged) {
            return super.forwardInGemmType(x);
        }
        NDArray xg = toGemmType(x, precision());        // cast once for both products (fp16-mixed)
        NDArray y = super.forwardInGemmType(xg);
        NDArray in = training && dropout > 0 ? dropped(xg) : xg;
        NDArray ax = affineInGemmType(in, a, null, precision());
        // α/r on the rank-r product (L·r values) rather than on the output (L·out): the same sum, one pass fewer
        NDArray scaled = Scalars.mul(ax, scaling());       // PyTorch-owned constant: backward keeps it
        NDArray low = affineInGemmType(scaled, b, null, precision());
        NDArray out = y.add(low);
        for (NDArray t : new NDArray[] {ax, low, scaled, y}) {
            t.close();                                   // freed once read (autograd keeps what backward needs)
        }
        if (in != xg) {
            in.close();
        }
        if (xg != x) {
            xg.close();
        }
        return out;
    }

    /**
     * The adapter's input with dropout: a mask seeded by the thread's scope and this layer's name where the trainer
     * opened one and the device can draw it ({@link SeededDropout}), PyTorch's global generator otherwise.
     */
    private NDArray dropped(NDArray x) {
        if (SeededDropout.inScope() && SeededDropout.availableOn(x.getDevice())) {
            return SeededDropout.apply(x, dropout, SeededDropout.seedOf(name()));
        }
        return x.getNDArrayInternal().dropout(x, dropout, true).singletonOrThrow();
    }

    /** Only once merged: until then the adapter adds its own low-rank term. */
    @Override
    public boolean isPlainAffine() {
        return merged;
    }

    /** α / r. */
    public double scaling() {
        return alpha / rank;
    }

    public int rank() {
        return rank;
    }

    public double alpha() {
        return alpha;
    }

    public double dropout() {
        return dropout;
    }

    /** A (r, in). */
    public NDArray loraA() {
        return a;
    }

    /** B (out, r). */
    public NDArray loraB() {
        return b;
    }

    /** Whether dropout is on. */
    public boolean isTraining() {
        return training;
    }

    /** Dropout on (training) or off (evaluation, inference). */
    public void setTraining(boolean on) {
        this.training = on;
    }

    public boolean isMerged() {
        return merged;
    }

    /**
     * {@code W ← W + (α/r)·B·A}, once; later calls do nothing. The adapter no longer adds to the output. An fp16-only
     * base weight ({@link #isHalfOnly()}) is widened, the update added in fp32, and the sum rounded once to fp16.
     */
    public void merge() {
        if (merged) {
            return;
        }
        try (GradMode off = GradMode.disabled(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray delta = b.matMul(a).mul((float) scaling());
            if (weight().getDataType() == DataType.FLOAT32) {
                weight().addi(delta);
            } else {
                weight().set(new NDIndex("..."), weight().toType(DataType.FLOAT32, false).add(delta));
            }
        }
        weightsChanged();
        merged = true;
    }

    /** The base weight and bias, then {@code lora_A} and {@code lora_B} (as linear weights). */
    @Override
    public void visitParameters(ParameterVisitor v) {
        super.visitParameters(v);
        v.visit(name() + ".lora_A.weight", ParameterKind.LINEAR_WEIGHT, a);
        v.visit(name() + ".lora_B.weight", ParameterKind.LINEAR_WEIGHT, b);
    }

    /** Frees A and B (after {@link #merge()}, when the adapter is dropped). */
    void closeAdapter() {
        a.close();
        b.close();
    }
}
