package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.evo2wb.engine.model.HyenaLongImplicit;

/**
 * The hcl filter in its modal form. The long implicit filter is a sum of S decaying exponentials per channel,
 * {@code h_i[t] = Σ_n R[i,n]·exp(λ[i,n]·t)}, so its causal convolution with u is carried by S numbers per channel,
 * updated by a diagonal recurrence whose cost does not depend on the length decoded:
 * <pre>
 *   x_n[t] = Σ_{s≤t} exp(λ_n·(t-s))·u[s] = exp(λ_n)·x_n[t-1] + u[t]
 *   y[t]   = Σ_n R_n·x_n[t] + D·u[t]      (= Σ_{s≤t} h[s]·u[t-s] + D·u[t], {@link HyenaLongImplicit})
 * </pre>
 * Legend: u, y (B, D) at one position; x (B, D, S); λ = {@code filter.log_poles} (D, S, 1); R = {@code
 * filter.residues} (D, S); D = {@code filter.D}. After the prompt (length L) the state is the sum itself,
 * {@code x_n = Σ_{s<L} exp(λ_n·(L-1-s))·u[s]}, computed in chunks of positions within the same memory budget as the
 * forward's impulse response.
 */
final class LongImplicitState extends HyenaState {

    /** Budget of one (D, S, chunk) temporary of the prompt's state: 2^24 elements. */
    static final long CHUNK_ELEMENTS = 1L << 24;

    private final NDArray poles;          // (D, S) = exp(λ)
    private final NDArray logPoles;       // (D, S)
    private final NDArray residues;       // (D, S)
    private final NDArray skip;           // (D)
    private NDArray modes;                // (B, D, S)

    LongImplicitState(HyenaLongImplicit block, StateArrays arrays) {
        super(block, arrays);
        long s = block.residues().getShape().get(1);
        this.logPoles = arrays.keep(block.logPoles().reshape(hidden, s).toType(DataType.FLOAT64, true));
        this.poles = arrays.keep(logPoles.exp());
        this.residues = arrays.keep(block.residues().toType(DataType.FLOAT64, true));
        this.skip = block.skip();
    }

    @Override
    void recordFilterInput(NDArray u) {
        long b = u.getShape().get(0);
        long len = u.getShape().get(2);
        long s = logPoles.getShape().get(1);
        long chunk = Math.max(1, Math.min(len, CHUNK_ELEMENTS / Math.max(1, hidden * s)));
        NDArray ud = u.transpose(1, 0, 2).toType(DataType.FLOAT64, false);                                           // (D, B, L)
        NDArray x = null;
        for (long t0 = 0; t0 < len; t0 += chunk) {
            long t1 = Math.min(len, t0 + chunk);
            // ages L-1-s of positions s in [t0, t1), as a row (1, 1, c)
            NDArray age = u.getManager().arange((float) t0, (float) t1, 1f, DataType.FLOAT64, u.getDevice())
                    .neg().add((float) (len - 1)).reshape(1, 1, t1 - t0);
            NDArray weights = logPoles.expandDims(2).mul(age).exp();                   // (D, S, c)
            NDArray part = ud.get(NDIndex.sliceAxis(2, t0, t1)).matMul(weights.transpose(0, 2, 1));   // (D, B, S)
            x = x == null ? part : x.add(part);
        }
        modes = arrays.replace(modes, x.transpose(1, 0, 2).duplicate());                // (B, D, S)
        if (modes.getShape().get(0) != b) {
            throw new IllegalStateException("modal state rows " + modes.getShape() + " for batch " + b);
        }
    }

    @Override
    boolean filterFilled() {
        return modes != null;
    }

    @Override
    void repeatFilter(int batch) {
        if (modes.getShape().get(0) != batch) {
            modes = arrays.replace(modes, modes.repeat(0, batch));
        }
    }

    @Override
    NDArray filterStep(NDArray u, long position) {
        modes.muli(poles).addi(u.expandDims(2).toType(DataType.FLOAT64, false));           // in place
        return modes.mul(residues).sum(new int[] {2}).toType(DataType.FLOAT32, false).add(u.mul(skip));
    }

    @Override
    String scriptMethod() {
        return "hcl";
    }

    /** exp(λ) (D, S) and R (D, S), float64, then the skip D (D). */
    @Override
    void addFilterScriptWeights(List<NDArray> w) {
        w.add(poles);
        w.add(residues);
        w.add(skip);
    }

    @Override
    NDArray filterState() {
        return modes;
    }
}
