package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Hyena-MR ("hcm", medium regularized filter): a grouped 128-tap FIR filter (its training-time exponential decay
 * window is already folded into the stored taps), applied as a <b>true</b> causal convolution (tap 0 multiplies
 * the current sample), truncated to the sequence length, plus a per-channel skip term:
 * <pre>
 *   y_i[t] = Σ_{s=0..min(t, K'-1)} h[g(i), 0, s] · u_i[t-s]  +  D_i · u_i[t],   K' = min(L, K),  g(i) = i / (D/G)
 * </pre>
 * Legend: u, y (B, D, L); h = {@code filter.h} (G, 1, K), K = {@code hcm_filter_length} = 128,
 * G = {@code hcm_filter_groups}; D_i = {@code filter.D} (D).
 *
 * <p>Computed as a grouped conv1d with the reversed taps (a convolution is a cross-correlation with the flipped
 * filter) for short sequences, and through FFTs once L exceeds {@link #FFT_THRESHOLD}
 * ({@link Convolutions#fftCausalByChannels}).
 */
public final class HyenaMediumRegularized extends HyenaBlock {

    /** Above this length the FFT path is cheaper than direct summation of up to 128 taps. */
    public static final long FFT_THRESHOLD = 2048;

    private final NDArray h;
    private final NDArray skip;
    private final long taps;

    public HyenaMediumRegularized(ParameterSource src, int index, BlockDims dims, int shortFilterLength,
                                  long groups, int taps) {
        super(src, index, dims, shortFilterLength);
        this.taps = taps;
        this.h = src.get(prefix + ".filter.h", ParameterKind.HCM_FILTER, groups, 1, taps);
        this.skip = src.get(prefix + ".filter.D", ParameterKind.SKIP, dims.hidden());
    }

    @Override
    protected NDArray filter(NDArray u) {
        long len = u.getShape().get(2);
        long k = Math.min(len, taps);
        NDArray hk = Convolutions.expandGroups(k == taps ? h : h.get(":, :, :" + k), hidden);   // (D, 1, K')
        NDArray d = skip.reshape(hidden, 1);
        if (len > FFT_THRESHOLD) {
            long n = Convolutions.fftLength(len, k);
            NDArray taps2 = hk.reshape(hidden, k);
            NDArray out = Convolutions.fftCausalByChannels(u, n, d, (c0, c1) -> {
                NDArray part = taps2.get(NDIndex.sliceAxis(0, c0, c1));
                NDArray hf = Convolutions.spectrum(part, n);
                part.close();
                return hf;
            });
            taps2.close();
            d.close();
            return out;
        }
        return Convolutions.causalDepthwise(u, Linear.cast(hk.flip(2), u.getDataType())).add(u.mul(d));
    }

    /** Direct convolution (fp16 in fp16-mixed) up to {@link #FFT_THRESHOLD}, FFTs (fp32) above. */
    @Override
    protected DataType filterType(long len, DataType gemmType) {
        return len > FFT_THRESHOLD ? DataType.FLOAT32 : gemmType;
    }

    /** The grouped filter taps (G, 1, K), applied as a true causal convolution (tap 0 on the current sample). */
    public NDArray taps() {
        return h;
    }

    /** The per-channel skip term D (D). */
    public NDArray skip() {
        return skip;
    }

    @Override
    protected void visitFilterParameters(ParameterVisitor v) {
        v.visit(prefix + ".filter.h", ParameterKind.HCM_FILTER, h);
        v.visit(prefix + ".filter.D", ParameterKind.SKIP, skip);
    }

    @Override
    public BlockKind kind() {
        return BlockKind.HCM;
    }
}
