package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Hyena-LI ("hcl", long implicit filter): a per-channel modal (sum of decaying exponentials) filter as long as the
 * sequence, applied by FFT convolution, plus a skip term:
 * <pre>
 *   h_i[t] = Σ_{n=0..S-1} R[i,n] · exp( λ[i,n] · t ),   t = 0 … L-1
 *   y_i[t] = Σ_{s=0..t} h_i[s] · u_i[t-s]  +  D_i · u_i[t]
 * </pre>
 * Legend: u, y (B, D, L); λ = {@code filter.log_poles} (D, S, 1), real and negative in released checkpoints;
 * R = {@code filter.residues} (D, S); S = {@code state_size} = 16; D_i = {@code filter.D} (D).
 *
 * <p>The trainable quantities are λ and R directly (a re-parametrisation {@code λ = -exp(ρ)} for fine-tuning, spec
 * §3.10, can wrap this later). Building h costs a (D, S, L) temporary.
 */
public final class HyenaLongImplicit extends HyenaBlock {

    private final NDArray logPoles;
    private final NDArray residues;
    private final NDArray skip;

    public HyenaLongImplicit(ParameterSource src, int index, BlockDims dims, int shortFilterLength, long stateSize) {
        super(src, index, dims, shortFilterLength);
        this.logPoles = src.get(prefix + ".filter.log_poles", ParameterKind.LOG_POLES, dims.hidden(), stateSize, 1);
        this.residues = src.get(prefix + ".filter.residues", ParameterKind.RESIDUES, dims.hidden(), stateSize);
        this.skip = src.get(prefix + ".filter.D", ParameterKind.SKIP, dims.hidden());
    }

    /** The implicit filter h (D, L) for sequences of length {@code len}, on the parameters' device. */
    public NDArray impulseResponse(long len) {
        NDArray t = logPoles.getManager().arange(0f, (float) len, 1f, DataType.FLOAT32, logPoles.getDevice());
        NDArray modes = logPoles.mul(t.reshape(1, 1, len)).exp();                 // (D, S, L)
        return modes.mul(residues.expandDims(2)).sum(new int[] {1});              // (D, L)
    }

    @Override
    protected NDArray filter(NDArray u) {
        long len = u.getShape().get(2);
        NDArray y = Convolutions.fftCausal(u, impulseResponse(len));
        return y.add(u.mul(skip.reshape(hidden, 1)));
    }

    @Override
    protected void visitFilterParameters(ParameterVisitor v) {
        v.visit(prefix + ".filter.log_poles", ParameterKind.LOG_POLES, logPoles);
        v.visit(prefix + ".filter.residues", ParameterKind.RESIDUES, residues);
        v.visit(prefix + ".filter.D", ParameterKind.SKIP, skip);
    }

    @Override
    public String kindName() {
        return "hcl";
    }
}
