package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Hyena-SE ("hcs", short explicit filter): a 7-tap grouped FIR filter applied as a causal cross-correlation
 * (the last tap multiplies the current sample), no skip term:
 * <pre>
 *   y_i[t] = Σ_{k=0..K-1} h[g(i), 0, k] · u_i[t-(K-1)+k],   g(i) = i / (D/G)
 * </pre>
 * Legend: u, y (B, D, L); h = {@code filter.h} (G, 1, K) with K = {@code hcs_filter_length} = 7 and
 * G = {@code hcs_filter_groups}; contiguous blocks of D/G channels share one filter. See {@link HyenaBlock} for
 * the gates around it.
 */
public final class HyenaShortExplicit extends HyenaBlock {

    private final NDArray h;

    public HyenaShortExplicit(ParameterSource src, int index, BlockDims dims, int shortFilterLength, long groups,
                              int taps) {
        super(src, index, dims, shortFilterLength);
        this.h = src.get(prefix + ".filter.h", ParameterKind.HCS_FILTER, groups, 1, taps);
    }

    @Override
    protected NDArray filter(NDArray u) {
        return Convolutions.causalDepthwise(u, Linear.cast(Convolutions.expandGroups(h, hidden), u.getDataType()));
    }

    /** A 7-tap direct convolution: fp16 in fp16-mixed. */
    @Override
    protected DataType filterType(long len, DataType gemmType) {
        return gemmType;
    }

    /** The grouped filter taps (G, 1, K), applied as a causal cross-correlation (last tap on the current sample). */
    public NDArray taps() {
        return h;
    }

    @Override
    protected void visitFilterParameters(ParameterVisitor v) {
        v.visit(prefix + ".filter.h", ParameterKind.HCS_FILTER, h);
    }

    @Override
    public BlockKind kind() {
        return BlockKind.HCS;
    }
}
