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

    /**
     * The implicit filter h (D, L) for sequences of length {@code len}, on the parameters' device.
     */
    public NDArray impulseResponse(long len) {
        return impulseResponse(len, 0, residues.getShape().get(0));
    }

    /**
     * The implicit filter of channels [c0, c1), (c1 − c0, L). With t = T·j + τ (T = ⌈√L⌉, j &lt; J = ⌈L/T⌉,
     * τ &lt; T) each mode factors as {@code exp(λt) = exp(λ·T·j)·exp(λ·τ)}, so
     * <pre>
     *   h[c, T·j + τ] = Σ_s ( R[c,s]·exp(λ[c,s]·T·j) ) · exp(λ[c,s]·τ)      one (J×S)·(S×T) product per channel
     * </pre>
     * D·S·(J + T) exponentials instead of D·S·L, and what autograd keeps for a trained filter is the two small factors
     * (D·S·(J + T) floats), not the (D, S, L) expansion of every mode (2 GiB for a 7B block at L = 8,192).
     */
    NDArray impulseResponse(long len, long c0, long c1) {
        long d = residues.getShape().get(0);
        long modes = residues.getShape().get(1);
        long c = c1 - c0;
        long stride = stride(len);
        long rows = (len + stride - 1) / stride;
        boolean all = c0 == 0 && c1 == d;
        NDArray lambda = all ? logPoles : logPoles.get(NDIndex.sliceAxis(0, c0, c1));                 // (c, S, 1)
        NDArray r = (all ? residues : residues.get(NDIndex.sliceAxis(0, c0, c1))).reshape(c, modes, 1);
        ai.djl.ndarray.NDManager m = logPoles.getManager();
        NDArray tau = m.arange(0f, (float) stride, 1f, DataType.FLOAT32, logPoles.getDevice())
                .reshape(1, 1, stride);
        NDArray starts = m.arange(0f, (float) (rows * stride), (float) stride, DataType.FLOAT32,
                logPoles.getDevice()).reshape(1, 1, rows);
        NDArray within = exp(lambda.mul(tau));                                                    // (c, S, T)
        NDArray atStarts = exp(lambda.mul(starts));                                               // (c, S, J)
        NDArray weighted = atStarts.mul(r);
        NDArray left = weighted.transpose(0, 2, 1);                                               // (c, J, S)
        NDArray product = left.matMul(within);                                                    // (c, J, T)
        NDArray flat = product.reshape(c, rows * stride);
        NDArray h = rows * stride == len ? flat : flat.get(NDIndex.sliceAxis(1, 0, len));
        for (NDArray a : new NDArray[] {tau, starts, within, atStarts, weighted, left, product, r}) {
            a.close();              // freed once read (autograd keeps what backward needs)
        }
        if (flat != h) {
            flat.close();
        }
        if (lambda != logPoles) {
            lambda.close();
        }
        return h;
    }

    /** System property: {@code false} keeps no filter's spectrum between passes, in any model. */
    public static final String KEEP_SPECTRA_PROPERTY = "evo2wb.keepFilterSpectra";

    /** Whether a frozen filter's spectrum is kept between passes at length {@code len} (for memory estimates). */
    public static boolean keepsSpectrumAt(long len) {
        return FilterSpectrum.enabled() && len <= FilterSpectrum.MAX_KEPT_LENGTH;
    }

    /** T = ⌈√L⌉, the columns of {@link #impulseResponse(long, long, long)}'s factorisation (J = ⌈L/T⌉ rows). */
    static long stride(long len) {
        return (long) Math.ceil(Math.sqrt(len));
    }

    /**
     * Floats that building the filter of D channels takes at once beyond the filter itself (the factors and their
     * product, D·(S·(T + 2J) + J·T)); what autograd keeps of it for a trained filter is less (D·S·(T + 2J)).
     */
    public static long impulseResponseElements(long d, long modes, long len) {
        long t = stride(len);
        long j = (len + t - 1) / t;
        return d * (modes * (t + 2 * j) + j * t);
    }

    /** exp(x), closing x. */
    private static NDArray exp(NDArray x) {
        NDArray e = x.exp();
        x.close();
        return e;
    }

    /**
     * The FFT convolution with the kept spectrum while the filter is frozen and the window is at most {@link
     * FilterSpectrum#MAX_KEPT_LENGTH}, else with one built for this call; with grad mode off over channel chunks
     * ({@link Convolutions#fftCausalByChannels}), each chunk building its own where none is kept, so at long windows
     * no (D, n/2 + 1) spectrum lives at all.
     */
    @Override
    protected NDArray filter(NDArray u) {
        long len = u.getShape().get(2);
        long n = Convolutions.fftLength(len, len);
        NDArray d = skip.reshape(hidden, 1);
        NDArray kept = spectrum.kept(len, n, this::impulseResponse);
        NDArray out = Convolutions.fftCausalByChannels(u, n, d, kept != null
                ? (c0, c1) -> kept.get(NDIndex.sliceAxis(0, c0, c1))
                : (c0, c1) -> spectrumOf(len, n, c0, c1));
        if (kept != null) {
            kept.close();           // this call's handle; the kept spectrum stays with the model
        }
        d.close();
        return out;
    }

    private NDArray spectrumOf(long len, long n, long c0, long c1) {
        NDArray h = impulseResponse(len, c0, c1);
        NDArray hf = Convolutions.spectrum(h, n);
        h.close();
        return hf;
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

    @Override
    public void keepCaches(boolean on) {
        spectrum.setKept(on);
    }

    /** The length whose filter spectrum this block keeps, or -1 when it keeps none. */
    public long keptSpectrumLength() {
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
