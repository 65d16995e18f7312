package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The state of a causal FIR filter of K taps: the most recent input samples of every channel (zeros before the
 * sequence starts), in a ring buffer written in place. Each sample is written twice, at slot p and p + K of a buffer
 * of 2K slots, so the last K samples, oldest first, are always the contiguous slots p+1 … p+K: a step writes one
 * sample and reads one view, whatever the length decoded so far:
 * <pre>
 *   window_t = [x[t-K+1], …, x[t-1], x[t]]      (B, C, K)
 * </pre>
 * Legend: B rows (samples), C channels, K taps.
 */
final class FirWindow {

    private final StateArrays arrays;
    private final int taps;
    private final NDIndex[] slots;        // 2K single-slot indices
    private final NDIndex[] windows;      // K window views, by the slot the next sample goes to
    private NDArray ring;                 // (B, C, 2K)
    private int next;                     // slot of the next sample, in [0, K)

    private FirWindow(StateArrays arrays, int taps, NDArray ring, int next) {
        this.arrays = arrays;
        this.taps = taps;
        this.ring = ring;
        this.next = next;
        this.slots = new NDIndex[2 * taps];
        for (int j = 0; j < 2 * taps; j++) {
            slots[j] = NDIndex.sliceAxis(2, j, j + 1);
        }
        this.windows = new NDIndex[taps];
        for (int p = 0; p < taps; p++) {
            windows[p] = NDIndex.sliceAxis(2, p + 1, p + 1 + taps);
        }
    }

    /**
     * The window after a whole signal: its last K − 1 samples, zero-padded on the left when it is shorter.
     *
     * @param signal (B, C, L)
     */
    static FirWindow after(StateArrays arrays, NDArray signal, int taps) {
        long b = signal.getShape().get(0);
        long c = signal.getShape().get(1);
        long len = signal.getShape().get(2);
        long keep = taps - 1;
        NDArray ring = signal.getManager().zeros(new Shape(b, c, 2L * taps), signal.getDataType(),
                signal.getDevice());
        if (keep > 0) {
            NDArray tail = len >= keep ? signal.get(NDIndex.sliceAxis(2, len - keep, len))
                    : signal.pad(new Shape(keep - len, 0), 0);
            ring.set(NDIndex.sliceAxis(2, 0, keep), tail);
            ring.set(NDIndex.sliceAxis(2, taps, taps + keep), tail);
        }
        return new FirWindow(arrays, taps, arrays.keep(ring), taps - 1);
    }

    /**
     * Appends one sample per channel and returns the window ending with it (a view, valid until the next push).
     *
     * @param x (B, C)
     * @return (B, C, K)
     */
    NDArray push(NDArray x) {
        NDArray column = x.expandDims(2);
        ring.set(slots[next], column);
        ring.set(slots[next + taps], column);
        NDArray window = ring.get(windows[next]);
        next = (next + 1) % taps;
        return window;
    }

    /** Copies the state to {@code batch} identical rows (from one row). */
    void repeat(int batch) {
        if (batch != ring.getShape().get(0)) {
            ring = arrays.replace(ring, ring.repeat(0, batch));
        }
    }
}
