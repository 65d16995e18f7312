package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
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
 * §3.10, can wrap this later). While λ and R are frozen, the spectrum of h is kept between forwards
 * ({@link FilterSpectrum}).
 */
public final class HyenaLongImplicit extends HyenaBlock {

    /** Budget of one (D, S_chunk, L) temporary of {@link #impulseResponse} on the CPU: 2^24 elements (64 MiB). */
    static final long CPU_MODE_BLOCK_ELEMENTS = 1L << 24;

    /**
     * The same on a GPU: 2^26 elements (256 MiB; three such temporaries live at once): the filter is built once per
     * length while its parameters are frozen, so memory matters more here than the number of chunks.
     */
    static final long GPU_MODE_BLOCK_ELEMENTS = 1L << 26;

    /** Budget set for tests, or 0 for the device's default. */
    private static volatile long modeBlockOverride = 0;

    private final NDArray logPoles;
    private final NDArray residues;
    private final NDArray skip;
    private final FilterSpectrum spectrum;

    public HyenaLongImplicit(ParameterSource src, int index, BlockDims dims, int shortFilterLength, long stateSize) {
        super(src, index, dims, shortFilterLength);
        this.logPoles = src.get(prefix + ".filter.log_poles", ParameterKind.LOG_POLES, dims.hidden(), stateSize, 1);
        this.residues = src.get(prefix + ".filter.residues", ParameterKind.RESIDUES, dims.hidden(), stateSize);
        this.skip = src.get(prefix + ".filter.D", ParameterKind.SKIP, dims.hidden());
        this.spectrum = new FilterSpectrum(logPoles, residues);
    }

    /** Sets the budget of one (D, S_chunk, L) temporary of {@link #impulseResponse}; 0 restores the defaults. */
    static void setModeBlockElements(long elements) {
        modeBlockOverride = elements;
    }

    /**
     * The implicit filter h (D, L) for sequences of length {@code len}, on the parameters' device. The modes are
     * summed in chunks, each one broadcast {@code R·exp(λ·t)} over a (D, S_chunk, L) temporary within the device's
     * budget (2^24 elements on the CPU, 2^28 on a GPU) and reduced over the modes; a whole (D, S, L) temporary would
     * be 2 GiB for a 7B model at L = 8192. Each chunk's temporaries are released at once (the autograd graph keeps
     * what backward needs).
     */
    public NDArray impulseResponse(long len) {
        long d = residues.getShape().get(0);
        long modes = residues.getShape().get(1);
        long chunk = modesPerChunk(d, modes, len, logPoles.getDevice());
        NDArray t = logPoles.getManager().arange(0f, (float) len, 1f, DataType.FLOAT32, logPoles.getDevice())
                .reshape(1, 1, len);
        NDArray h = null;
        for (long n0 = 0; n0 < modes; n0 += chunk) {
            long n1 = Math.min(modes, n0 + chunk);
            boolean all = n1 - n0 == modes;
            NDArray lambda = all ? logPoles : logPoles.get(NDIndex.sliceAxis(1, n0, n1));          // (D, c, 1)
            NDArray r = (all ? residues : residues.get(NDIndex.sliceAxis(1, n0, n1))).reshape(d, n1 - n0, 1);
            NDArray decay = lambda.mul(t);                                                          // (D, c, L)
            NDArray mode = decay.exp();
            decay.close();
            NDArray term = mode.mul(r);
            mode.close();
            NDArray part = n1 - n0 == 1 ? term.reshape(d, len) : term.sum(new int[] {1});         // (D, L)
            if (part != term) {
                term.close();
            }
            if (lambda != logPoles) {
                lambda.close();
            }
            r.close();
            if (h == null) {
                h = part;
            } else {
                NDArray sum = h.add(part);
                h.close();
                part.close();
                h = sum;
            }
        }
        t.close();
        return h;
    }

    /** Modes summed per chunk of {@link #impulseResponse} for D channels, S modes and length L on a device. */
    static long modesPerChunk(long d, long modes, long len, ai.djl.Device device) {
        long budget = modeBlockOverride > 0 ? modeBlockOverride
                : device.isGpu() ? GPU_MODE_BLOCK_ELEMENTS : CPU_MODE_BLOCK_ELEMENTS;
        return Math.max(1, Math.min(modes, budget / Math.max(1, d * len)));
    }

    /**
     * Elements of one (D, S_chunk, L) temporary of {@link #impulseResponse} (three live at once while the filter is
     * built), for memory estimates.
     */
    public static long modalTemporaryElements(long d, long modes, long len, ai.djl.Device device) {
        return modesPerChunk(d, modes, len, device) * d * len;
    }

    @Override
    protected NDArray filter(NDArray u) {
        long len = u.getShape().get(2);
        long n = Convolutions.fftLength(len, len);
        NDArray hf = spectrum.get(len, n, this::impulseResponse);
        NDArray y = Convolutions.fftCausal(u, hf, n);
        hf.close();                 // this call's handle; a kept spectrum stays with the model
        NDArray direct = u.mul(skip.reshape(hidden, 1));
        NDArray out = y.add(direct);
        y.close();
        direct.close();
        return out;
    }

    /** The poles λ (D, S, 1), real. */
    public NDArray logPoles() {
        return logPoles;
    }

    /** The residues R (D, S). */
    public NDArray residues() {
        return residues;
    }

    /** The per-channel skip term D (D). */
    public NDArray skip() {
        return skip;
    }

    @Override
    public void releaseCaches() {
        spectrum.clear();
    }

    /** The length whose filter spectrum this block keeps, or -1 (tests). */
    long keptSpectrumLength() {
        return spectrum.keptLength();
    }

    @Override
    protected void visitFilterParameters(ParameterVisitor v) {
        v.visit(prefix + ".filter.log_poles", ParameterKind.LOG_POLES, logPoles);
        v.visit(prefix + ".filter.residues", ParameterKind.RESIDUES, residues);
        v.visit(prefix + ".filter.D", ParameterKind.SKIP, skip);
    }

    @Override
    public BlockKind kind() {
        return BlockKind.HCL;
    }
}
