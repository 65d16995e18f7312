package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;

/**
 * Causal per-channel convolutions used by the Hyena blocks. Every function here is built from differentiable DJL
 * operations (constant pad, grouped conv1d, real FFTs), so gradients flow to both the signal and the filter.
 *
 * <p>Legend: B batch, C channels, L length, K taps.
 */
public final class Convolutions {

    private Convolutions() {
    }

    /**
     * Causal depthwise cross-correlation: {@code y[b,c,t] = Σ_{k<K} w[c,0,k] · x[b,c,t-(K-1)+k]} with zeros before
     * t = 0, so the last tap {@code w[c,0,K-1]} multiplies the current sample. With grad mode off, over chunks of
     * channels whose padded copy stays within {@value Chunked#VALUES} values (each channel is its own
     * convolution, so the result is the same): at long windows the padded copy is a chunk's, not the whole input's
     * (Evo 2 7B's short convolution at 65,536 bases: 1.5 GiB in fp16; at 8,192 one chunk).
     *
     * @param x (B, C, L)
     * @param w (C, 1, K)
     * @return (B, C, L)
     */
    public static NDArray causalDepthwise(NDArray x, NDArray w) {
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        long len = x.getShape().get(2);
        long k = w.getShape().get(2);
        long chunk = GradMode.isEnabled() ? c : Math.max(1, Chunked.values() / (b * (len + k - 1)));
        if (chunk >= c) {
            return depthwise(x, w);
        }
        return Chunked.alongAxis1(x, chunk, (c0, c1) -> {
            NDArray xc = x.get(NDIndex.sliceAxis(1, c0, c1));
            NDArray wc = w.get(NDIndex.sliceAxis(0, c0, c1));
            NDArray yc = depthwise(xc, wc);
            xc.close();
            wc.close();
            return yc;
        });
    }

    private static NDArray depthwise(NDArray x, NDArray w) {
        long k = w.getShape().get(2);
        NDArray padded = k > 1 ? x.pad(new Shape(k - 1, 0), 0) : x;
        NDArray y = Conv1d.conv1d(padded, w, null, new Shape(1), new Shape(0), new Shape(1),
                Math.toIntExact(x.getShape().get(1))).singletonOrThrow();
        if (padded != x) {
            padded.close();         // a copy of the whole input, freed once read
        }
        return y;
    }

    /**
     * Causal linear convolution through zero-padded real FFTs:
     * {@code y[b,c,t] = Σ_{s=0..min(t,Lh-1)} h[c,s] · u[b,c,t-s]} (tap 0 multiplies the current sample).
     * The FFT length is the smallest 2^a·3^b·5^c ≥ L + Lh - 1, which makes the circular convolution linear.
     *
     * @param u (B, C, L)
     * @param h (C, Lh), Lh ≤ L
     * @return (B, C, L)
     */
    public static NDArray fftCausal(NDArray u, NDArray h) {
        long n = fftLength(u.getShape().get(2), h.getShape().get(1));
        return fftCausal(u, spectrum(h, n), n);
    }

    /** FFT length for a causal convolution of a length-{@code len} signal with {@code lh} taps: smooth ≥ L + Lh − 1. */
    public static long fftLength(long len, long lh) {
        return smoothSize(len + lh - 1);
    }

    /**
     * Spectrum of a filter for {@link #fftCausal(NDArray, NDArray, long)}.
     *
     * @param h (C, Lh)
     * @param n the FFT length, from {@link #fftLength}
     * @return (C, n/2 + 1) complex
     */
    public static NDArray spectrum(NDArray h, long n) {
        return h.rfft(n, 1);
    }

    /**
     * {@link #fftCausal(NDArray, NDArray)} with the filter's spectrum given (a frozen filter's can be kept between
     * calls).
     *
     * @param u (B, C, L)
     * @param hf (C, n/2 + 1), from {@link #spectrum}
     * @param n the FFT length hf was made with
     * @return (B, C, L)
     */
    public static NDArray fftCausal(NDArray u, NDArray hf, long n) {
        long len = u.getShape().get(2);
        NDArray uf = u.rfft(n, 2);
        NDArray prod = uf.mul(hf);
        uf.close();                 // freed once read; autograd keeps what backward needs
        NDArray y = prod.irfft(n, 2);
        prod.close();
        NDArray out = y.get(NDIndex.sliceAxis(2, 0, len));
        y.close();
        return out;
    }

    /** A filter's spectrum for channels [c0, c1): (c1 − c0, n/2 + 1) complex, a handle the caller closes. */
    @FunctionalInterface
    public interface ChannelSpectra {
        NDArray of(long c0, long c1);
    }

    /**
     * {@code fftCausal(u, hf, n) + u ⊙ d}. With grad mode off, over chunks of channels whose spectra (B·c·(n/2 + 1)
     * complex numbers; the budget counts B·c·n/2, so that 7B's 4,096 channels at n = 16,384 are one chunk) stay within
     * {@value #CHUNK_COMPLEX} complex numbers (256 MiB): at long windows the FFT's
     * temporaries are a chunk's, not all channels' (a 7B block at 65,536 bases: 0.25 GiB instead of 2 GiB each). With
     * grad mode on, and where every channel fits one chunk, one pass over all channels (autograd keeps what the
     * backward needs of every channel in any case).
     *
     * @param u (B, C, L)
     * @param n the FFT length
     * @param d (C, 1) skip term, or null
     * @param spectra the filter's spectrum per channel range
     * @return (B, C, L)
     */
    public static NDArray fftCausalByChannels(NDArray u, long n, NDArray d, ChannelSpectra spectra) {
        long b = u.getShape().get(0);
        long c = u.getShape().get(1);
        long chunk = GradMode.isEnabled() ? c : channelsPerChunk(b, n);
        if (chunk >= c) {
            return chunk(u, n, d, spectra.of(0, c));
        }
        return Chunked.alongAxis1(u, chunk, (c0, c1) -> {
            NDArray uc = u.get(NDIndex.sliceAxis(1, c0, c1));
            NDArray dc = d == null ? null : d.get(NDIndex.sliceAxis(0, c0, c1));
            NDArray yc = chunk(uc, n, dc, spectra.of(c0, c1));
            uc.close();
            if (dc != null) {
                dc.close();
            }
            return yc;
        });
    }

    /** Complex numbers of one chunk's spectra in {@link #fftCausalByChannels}: 2^25 (256 MiB). */
    static final long CHUNK_COMPLEX = 1L << 25;

    /** Chunk budget set for tests, or 0 for {@link #CHUNK_COMPLEX}. */
    private static volatile long chunkOverride = 0;

    /** Sets the complex numbers per chunk of {@link #fftCausalByChannels}; 0 restores the default (tests). */
    static void setChunkComplex(long complex) {
        chunkOverride = complex;
    }

    /** Channels per chunk of {@link #fftCausalByChannels} at batch b and FFT length n. */
    static long channelsPerChunk(long b, long n) {
        long budget = chunkOverride > 0 ? chunkOverride : CHUNK_COMPLEX;
        return Math.max(1, budget / (b * Math.max(1, n / 2)));
    }

    private static NDArray chunk(NDArray u, long n, NDArray d, NDArray hf) {
        NDArray y = fftCausal(u, hf, n);
        hf.close();
        if (d == null) {
            return y;
        }
        NDArray direct = u.mul(d);
        NDArray out = y.add(direct);
        y.close();
        direct.close();
        return out;
    }

    /** Smallest integer ≥ n whose only prime factors are 2, 3 and 5 (fast FFT sizes). */
    public static long smoothSize(long n) {
        if (n <= 1) {
            return 1;
        }
        long best = Long.MAX_VALUE;
        for (long p5 = 1; p5 < 2 * n; p5 *= 5) {
            for (long p35 = p5; p35 < 2 * n; p35 *= 3) {
                long v = p35;
                while (v < n) {
                    v *= 2;
                }
                best = Math.min(best, v);
            }
        }
        return best;
    }

    /**
     * Expands grouped filters to one filter per channel: channel i uses group {@code i / (C/G)} (contiguous blocks
     * share a filter, as {@code repeat_interleave} along dim 0).
     *
     * @param h (G, 1, K)
     * @param channels C, a multiple of G
     * @return (C, 1, K)
     */
    public static NDArray expandGroups(NDArray h, long channels) {
        long g = h.getShape().get(0);
        long k = h.getShape().get(2);
        if (g == channels) {
            return h;
        }
        return h.reshape(g, 1, 1, k).broadcast(g, channels / g, 1, k).reshape(channels, 1, k);
    }
}
