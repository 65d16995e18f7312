package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.engine.model.HyenaBlock;

/**
 * The state of a Hyena block (hcs, hcm or hcl) around its inner filter: the short depthwise convolution on the 3D
 * projection outputs as a {@link FirWindow} of 3 taps, then the gates, as {@link HyenaBlock} computes them:
 * <pre>
 *   z_t = n_t·Wpᵀ;   s_t = Σ_k w[·,k]·[z_{t-2}, z_{t-1}, z_t][k]
 *   q, k, v = s_t[3i], s_t[3i+1], s_t[3i+2];   y_t = q ⊙ filter_t(k ⊙ v);   mix = y_t·Wdᵀ + bd
 * </pre>
 * The inner filter's own state is the subclass's ({@link #filterStep}). The script's tensors: the common ones of
 * {@link BlockState#scriptWeights}, then Wp, the short taps w (3D, 3), Wd, bd and the filter's
 * ({@link #addFilterScriptWeights}); its state: the projections' window, then the filter's.
 */
abstract class HyenaState extends BlockState {

    protected final HyenaBlock hyena;
    protected final long hidden;
    private final NDArray shortTaps;       // (3D, K)
    private FirWindow projections;
    private static final NDIndex POST_GATE = new NDIndex(":, :, 0");
    private static final NDIndex PRE_GATE = new NDIndex(":, :, 1");
    private static final NDIndex VALUE = new NDIndex(":, :, 2");

    HyenaState(HyenaBlock block, StateArrays arrays) {
        super(block, arrays);
        this.hyena = block;
        this.hidden = block.hidden();
        long k = block.shortFilter().getShape().get(2);
        this.shortTaps = arrays.keep(block.shortFilter().reshape(3 * hidden, k).duplicate());
    }

    @Override
    final void record(String name, NDArray value) {
        if (name.equals("projections")) {                                   // (B, L, 3D)
            projections = FirWindow.after(arrays, value.transpose(0, 2, 1), Math.toIntExact(shortTaps.getShape().get(1)));
        } else if (name.equals("short_conv")) {                             // (B, 3D, L)
            long b = value.getShape().get(0);
            long len = value.getShape().get(2);
            NDArray s4 = value.reshape(b, hidden, 3, len);
            recordFilterInput(s4.get(":, :, 1, :").mul(s4.get(":, :, 2, :")));
        }
    }

    /** The inner filter's input over the prompt, u = k ⊙ v (B, D, L); valid during the call only. */
    abstract void recordFilterInput(NDArray u);

    @Override
    boolean filled() {
        return projections != null && filterFilled();
    }

    abstract boolean filterFilled();

    @Override
    final void repeat(int batch) {
        projections.repeat(batch);
        repeatFilter(batch);
    }

    abstract void repeatFilter(int batch);

    /**
     * The inner filter at one new position, updating its state.
     *
     * @param u k ⊙ v at the new position (B, D)
     * @param position the new position
     * @return the filter output (B, D)
     */
    abstract NDArray filterStep(NDArray u, long position);

    @Override
    final void addMixerScriptWeights(List<NDArray> w, NDManager owner) {
        w.add(hyena.projections().gemmWeights(owner)[0]);
        w.add(shortTaps);
        addLinear(w, hyena.outFilterDense(), owner);
        addFilterScriptWeights(w);
    }

    /** Appends the inner filter's tensors for the script. */
    abstract void addFilterScriptWeights(List<NDArray> w);

    @Override
    final List<NDArray> scriptState() {
        List<NDArray> s = new ArrayList<>();
        s.add(projections.ring());
        s.add(filterState());
        return s;
    }

    /** The inner filter's state tensor, which the script updates in place. */
    abstract NDArray filterState();

    @Override
    final NDArray mix(NDArray n, long position) {
        long b = n.getShape().get(0);
        NDArray z = hyena.projections().forward(n).reshape(b, 3 * hidden);
        NDArray s = projections.push(z, position).mul(shortTaps).sum(new int[] {2});        // (B, 3D)
        NDArray s3 = s.reshape(b, hidden, 3);
        NDArray q = s3.get(POST_GATE);
        NDArray u = s3.get(PRE_GATE).mul(s3.get(VALUE));
        NDArray y = filterStep(u, position).mul(q).reshape(b, 1, hidden);
        return hyena.outFilterDense().forward(y);
    }
}
