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

    /**
     * The implicit filter h (D, L) for sequences of length {@code len}, on the parameters' device. Summed one mode
     * at a time so no (D, S, L) temporary is built (2 GiB for a 7B model at L = 8192); each mode's temporaries are
     * released at once (the autograd graph keeps what backward needs).
     */
    public NDArray impulseResponse(long len) {
        NDArray t = logPoles.getManager().arange(0f, (float) len, 1f, DataType.FLOAT32, logPoles.getDevice())
                .reshape(1, len);
        long modes = residues.getShape().get(1);
        NDArray h = null;
        for (long n = 0; n < modes; n++) {
            NDArray lambda = logPoles.get(":, " + n + ", :");                        // (D, 1)
            NDArray r = residues.get(":, " + n + ":" + (n + 1));                     // (D, 1)
            NDArray decay = lambda.mul(t);
            NDArray mode = decay.exp();
            NDArray term = mode.mul(r);
            NDArray sum = h == null ? term : h.add(term);
            for (NDArray tmp : new NDArray[] {lambda, r, decay, mode, h == null ? null : h}) {
                if (tmp != null) {
                    tmp.close();
                }
            }
            if (sum != term) {
                term.close();
            }
            h = sum;
        }
        t.close();
        return h;
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
