package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The state of a causal FIR filter of K taps: the most recent input samples of every channel (zeros before the
 * sequence starts), in a ring buffer written in place. The sample of position p is written twice, at slots
 * p mod K and p mod K + K of a buffer of 2K slots, so the last K samples, oldest first, are always the contiguous
 * slots p mod K + 1 … p mod K + K: a step writes one sample and reads one view, whatever the length decoded so far
 * (the scripted step, {@link StepScript}, reads the same layout):
 * <pre>
 *   window_p = [x[p-K+1], …, x[p-1], x[p]]      (B, C, K)
 * </pre>
 * Legend: B rows (samples), C channels, K taps.
 */
final class FirWindow {

    private final StateArrays arrays;
    private final int taps;
    private final NDIndex[] slots;        // 2K single-slot indices
    private final NDIndex[] windows;      // K window views, by the slot of the newest sample
    private NDArray ring;                 // (B, C, 2K)

    private FirWindow(StateArrays arrays, int taps, NDArray ring) {
        this.arrays = arrays;
        this.taps = taps;
        this.ring = ring;
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
     * The window after a whole signal of L positions, ready for position L: its last K − 1 samples (zeros before
     * position 0), each at its position's slots.
     *
     * @param signal (B, C, L)
     */
    static FirWindow after(StateArrays arrays, NDArray signal, int taps) {
        long len = signal.getShape().get(2);
        long keep = taps - 1;
        // positions L-K+1 … L (the last one is written by the first step): the tail, zero-padded on both sides
        NDArray tail = len >= keep ? signal.get(NDIndex.sliceAxis(2, len - keep, len)) : signal;
        NDArray line = tail.pad(new Shape(keep - Math.min(len, keep), 1), 0);                  // (B, C, K)
        // position q goes to slot q mod K: rotate so that position L-K+1 lands on its slot
        int shift = (int) Math.floorMod(len - keep, (long) taps);
        if (shift != 0) {
            line = line.get(NDIndex.sliceAxis(2, taps - shift, taps))
                    .concat(line.get(NDIndex.sliceAxis(2, 0, taps - shift)), 2);
        }
        return new FirWindow(arrays, taps, arrays.keep(line.concat(line, 2)));
    }

    /**
     * Writes the sample of {@code position} and returns the window ending with it (a view, valid until the next
     * push).
     *
     * @param x (B, C)
     * @return (B, C, K)
     */
    NDArray push(NDArray x, long position) {
        int slot = (int) Math.floorMod(position, (long) taps);
        NDArray column = x.expandDims(2);
        ring.set(slots[slot], column);
        ring.set(slots[slot + taps], column);
        return ring.get(windows[slot]);
    }

    /** Copies the state to {@code batch} identical rows (from one row). */
    void repeat(int batch) {
        if (batch != ring.getShape().get(0)) {
            ring = arrays.replace(ring, ring.repeat(0, batch));
        }
    }

    /** The ring (B, C, 2K), for the scripted step, which writes it in place. */
    NDArray ring() {
        return ring;
    }
}
