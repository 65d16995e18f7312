package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The state of a causal FIR filter of K taps: the K − 1 most recent input samples of every channel (zeros before the
 * sequence starts). Each step appends the new sample and forgets the oldest, so a step costs C·K whatever the
 * length decoded so far:
 * <pre>
 *   window_t = [x[t-K+1], …, x[t-1], x[t]]      (B, C, K), oldest first
 * </pre>
 * Legend: B rows (samples), C channels, K taps.
 */
final class FirWindow {

    private final StateArrays arrays;
    private final int taps;
    private NDArray past;                     // (B, C, K-1), or null when K = 1

    private FirWindow(StateArrays arrays, int taps, NDArray past) {
        this.arrays = arrays;
        this.taps = taps;
        this.past = past;
    }

    /**
     * The window after a whole signal: its last K − 1 samples, zero-padded on the left when it is shorter.
     *
     * @param signal (B, C, L)
     */
    static FirWindow after(StateArrays arrays, NDArray signal, int taps) {
        if (taps <= 1) {
            return new FirWindow(arrays, taps, null);
        }
        long len = signal.getShape().get(2);
        long keep = taps - 1;
        NDArray tail = len >= keep ? signal.get(NDIndex.sliceAxis(2, len - keep, len))
                : signal.pad(new Shape(keep - len, 0), 0);
        return new FirWindow(arrays, taps, arrays.keep(tail.duplicate()));
    }

    /**
     * Appends one sample per channel and returns the window ending with it, in the caller's scope.
     *
     * @param x (B, C)
     * @return (B, C, K)
     */
    NDArray push(NDArray x) {
        NDArray now = x.expandDims(2);
        if (past == null) {
            return now;
        }
        NDArray window = past.concat(now, 2);
        past = arrays.replace(past, window.get(NDIndex.sliceAxis(2, 1, taps)).duplicate());
        return window;
    }

    /** Copies the state to {@code batch} identical rows (from one row). */
    void repeat(int batch) {
        if (past != null && batch != past.getShape().get(0)) {
            past = arrays.replace(past, past.repeat(0, batch));
        }
    }
}
