package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.evo2wb.engine.model.Convolutions;
import org.evo2wb.engine.model.HyenaShortExplicit;

/**
 * The hcs filter's state: the last K − 1 = 6 filter inputs per channel; each step is the 7-tap cross-correlation of
 * {@link HyenaShortExplicit} at the newest position, {@code y_t = Σ_k h[g(i),k]·u[t-(K-1)+k]}.
 */
final class ShortExplicitState extends HyenaState {

    private final NDArray taps;          // (D, K)
    private FirWindow window;

    ShortExplicitState(HyenaShortExplicit block, StateArrays arrays) {
        super(block, arrays);
        long k = block.taps().getShape().get(2);
        this.taps = arrays.keep(Convolutions.expandGroups(block.taps(), hidden).reshape(hidden, k).duplicate());
    }

    @Override
    void recordFilterInput(NDArray u) {
        window = FirWindow.after(arrays, u, Math.toIntExact(taps.getShape().get(1)));
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
        return window.push(u, position).mul(taps).sum(new int[] {2});
    }

    @Override
    String scriptMethod() {
        return "hcs";
    }

    /** The taps (D, K). */
    @Override
    void addFilterScriptWeights(List<NDArray> w) {
        w.add(taps);
    }

    @Override
    NDArray filterState() {
        return window.ring();
    }
}
