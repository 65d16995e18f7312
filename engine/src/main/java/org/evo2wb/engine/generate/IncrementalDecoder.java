package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.evo2wb.engine.model.AttentionBlock;
import org.evo2wb.engine.model.Block;
import org.evo2wb.engine.model.GradMode;
import org.evo2wb.engine.model.HyenaLongImplicit;
import org.evo2wb.engine.model.HyenaMediumRegularized;
import org.evo2wb.engine.model.HyenaShortExplicit;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.model.Trace;

/**
 * Step-by-step decoding of an Evo 2 model with state carried forward: the prompt runs once through the ordinary
 * forward ({@link StripedHyena#block}), whose intermediates fill each block's state; then every new token runs the
 * stack on one position, updating the states instead of recomputing the prefix:
 * <ul>
 *   <li>hcs and hcm filters and the short convolutions of every Hyena block: FIR windows of their last K − 1
 *       inputs ({@link ShortExplicitState}, {@link MediumRegularizedState}, {@link HyenaState});</li>
 *   <li>hcl filters: their modal form, a diagonal recurrence over S poles per channel ({@link LongImplicitState});</li>
 *   <li>attention: a key/value cache with keys rotated to their positions ({@link AttentionState}).</li>
 * </ul>
 * The logits of a step equal those of the full forward at that position (fp32, to rounding). One step costs the
 * same at any length, except attention's reading of its cache (linear in the positions so far, as in any
 * transformer). The prompt is run once with one row; {@code batch} rows then continue from copies of its state, one
 * per sample. A step runs each block either as one call of its {@link StepScript} method (the default: on a GPU the
 * DJL operators' host time bounded the speed) or with DJL operators (the reference); both update the same state.
 * Grad mode is off for every call; the decoder owns memory on the model's device and must be closed.
 */
public final class IncrementalDecoder implements AutoCloseable {

    private final StripedHyena model;
    private final NDManager manager;
    private final List<BlockState> states;
    private final int batch;
    private final float[][] promptLogits;
    private final double promptLogLikelihood;
    private final ScriptedSteps scripted;
    private long position;

    private IncrementalDecoder(StripedHyena model, NDManager manager, List<BlockState> states, ScriptedSteps scripted,
                               int batch, float[][] promptLogits, double promptLogLikelihood, long position) {
        this.model = model;
        this.manager = manager;
        this.states = states;
        this.scripted = scripted;
        this.batch = batch;
        this.promptLogits = promptLogits;
        this.promptLogLikelihood = promptLogLikelihood;
        this.position = position;
    }

    /**
     * Runs the prompt once and prepares {@code batch} rows to continue from it.
     *
     * @param prompt token ids (at least one)
     * @param batch rows decoded side by side (samples)
     * @param capacity positions the attention caches are first made for (prompt plus planned tokens; they grow if
     *                 a generation runs past it)
     */
    public static IncrementalDecoder prefill(StripedHyena model, int[] prompt, int batch, long capacity) {
        return prefill(model, prompt, batch, capacity, StepScript.chosen());
    }

    /**
     * {@link #prefill(StripedHyena, int[], int, long)} with the step chosen: the scripted one ({@link StepScript})
     * or DJL operators. A model with an adapter that is not merged always steps with DJL operators.
     */
    public static IncrementalDecoder prefill(StripedHyena model, int[] prompt, int batch, long capacity,
                                             boolean script) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt must hold at least one token");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        NDManager m = model.manager().newSubManager();
        StateArrays arrays = new StateArrays(m);
        try (GradMode off = GradMode.disabled(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            List<BlockState> states = new ArrayList<>();
            for (Block b : model.blocks()) {
                states.add(stateOf(b, arrays, Math.max(capacity, prompt.length + 1L)));
            }
            NDArray ids = m.create(prompt, new Shape(1, prompt.length));
            NDArray x = model.embed(ids);
            for (int i = 0; i < states.size(); i++) {
                BlockState state = states.get(i);
                String prefix = "blocks." + model.blocks().get(i).index() + ".";
                Trace capture = (name, value) -> {
                    if (name.startsWith(prefix)) {
                        state.record(name.substring(prefix.length()), value);
                    }
                };
                x = model.block(i, x, capture);
                if (!state.filled()) {
                    throw new IllegalStateException("block " + i + " (" + model.blocks().get(i).kind().specName()
                            + ") did not report the intermediates its state needs");
                }
                state.repeat(batch);
            }
            NDArray logits = model.head(x, Trace.NONE).get(0);                                   // (L, V)
            float[][] last = new float[batch][];
            long vocab = logits.getShape().get(1);
            float[] lastRow = logits.get(prompt.length - 1).toFloatArray();
            for (int r = 0; r < batch; r++) {
                last[r] = lastRow.clone();
            }
            double ll = promptLogLikelihood(logits, prompt, vocab);
            ScriptedSteps scripted = script && ScriptedSteps.supports(model) ? new ScriptedSteps(model, states, m)
                    : null;
            return new IncrementalDecoder(model, m, List.copyOf(states), scripted, batch, last, ll, prompt.length);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Sum of log P(prompt[t+1] | prompt[0..t]) over the prompt (nats; 0 for a one-token prompt). */
    private static double promptLogLikelihood(NDArray logits, int[] prompt, long vocab) {
        if (prompt.length < 2) {
            return 0;
        }
        float[] lp = logits.logSoftmax(-1).toFloatArray();
        double sum = 0;
        for (int t = 0; t + 1 < prompt.length; t++) {
            sum += lp[(int) (t * vocab) + prompt[t + 1]];
        }
        return sum;
    }

    private static BlockState stateOf(Block b, StateArrays arrays, long capacity) {
        if (b instanceof HyenaShortExplicit s) {
            return new ShortExplicitState(s, arrays);
        }
        if (b instanceof HyenaMediumRegularized m) {
            return new MediumRegularizedState(m, arrays);
        }
        if (b instanceof HyenaLongImplicit l) {
            return new LongImplicitState(l, arrays);
        }
        if (b instanceof AttentionBlock a) {
            return new AttentionState(a, arrays, capacity);
        }
        throw new IllegalArgumentException("no step-by-step decoding for block kind " + b.kind().specName());
    }

    /** The logits (V per row) for the position after the prompt, the same for every row. */
    public float[][] promptLogits() {
        return promptLogits;
    }

    /** Sum of the model's log-likelihoods of the prompt's tokens after the first (nats). */
    public double promptLogLikelihood() {
        return promptLogLikelihood;
    }

    /**
     * Feeds one token per row and returns each row's logits for the next position.
     *
     * @param tokens one id per row
     * @return (rows, V) logits
     */
    public float[][] step(int[] tokens) {
        if (tokens.length != batch) {
            throw new IllegalArgumentException("expected " + batch + " tokens (one per row), got " + tokens.length);
        }
        float[] flat;
        long vocab;
        try (GradMode off = GradMode.disabled(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = model.embed(manager.create(tokens, new Shape(batch, 1)));
            NDArray logits;
            if (scripted != null) {
                logits = scripted.step(x, position);
            } else {
                for (BlockState s : states) {
                    x = s.step(x, position);
                }
                logits = model.head(x, Trace.NONE);
            }                                                                                    // (B, 1, V)
            vocab = logits.getShape().get(2);
            flat = logits.toType(DataType.FLOAT32, false).toFloatArray();
        }
        position++;
        float[][] out = new float[batch][];
        for (int r = 0; r < batch; r++) {
            out[r] = java.util.Arrays.copyOfRange(flat, (int) (r * vocab), (int) ((r + 1) * vocab));
        }
        return out;
    }

    /** Tokens consumed so far (prompt included). */
    public long position() {
        return position;
    }

    /** Rows decoded side by side. */
    public int batch() {
        return batch;
    }

    /** Whether each step runs the blocks' {@link StepScript} methods (else DJL operators). */
    public boolean scripted() {
        return scripted != null;
    }

    @Override
    public void close() {
        if (scripted != null) {
            scripted.close();
        }
        manager.close();
    }
}
