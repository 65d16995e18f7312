package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.evo2wb.engine.model.Convolutions;
import org.evo2wb.engine.model.HyenaMediumRegularized;

/**
 * The hcm filter's state: the last K − 1 = 127 filter inputs per channel; each step is the 128-tap true convolution
 * of {@link HyenaMediumRegularized} at the newest position plus the skip term,
 * {@code y_t = Σ_s h[g(i),s]·u[t-s] + D_i·u[t]} (the window holds oldest first, so the taps are flipped).
 */
final class MediumRegularizedState extends HyenaState {

    private final NDArray flippedTaps;   // (D, K), tap 0 last
    private final NDArray skip;          // (D)
    private FirWindow window;

    MediumRegularizedState(HyenaMediumRegularized block, StateArrays arrays) {
        super(block, arrays);
        long k = block.taps().getShape().get(2);
        this.flippedTaps = arrays.keep(Convolutions.expandGroups(block.taps(), hidden).reshape(hidden, k).flip(1));
        this.skip = block.skip();
    }

    @Override
    void recordFilterInput(NDArray u) {
        window = FirWindow.after(arrays, u, Math.toIntExact(flippedTaps.getShape().get(1)));
    }

    @Override
    boolean filterFilled() {
        return window != null;
    }

    @Override
    void repeatFilter(int batch) {
        window.repeat(batch);
    }

    @Override
    NDArray filterStep(NDArray u, long position) {
        return window.push(u, position).mul(flippedTaps).sum(new int[] {2}).add(u.mul(skip));
    }

    @Override
    String scriptMethod() {
        return "hcm";
    }

    /** The flipped taps (D, K), then the skip D (D). */
    @Override
    void addFilterScriptWeights(List<NDArray> w) {
        w.add(flippedTaps);
        w.add(skip);
    }

    @Override
    NDArray filterState() {
        return window.ring();
    }
}
