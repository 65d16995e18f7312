package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.List;
import org.evo2wb.engine.model.Linear;
import org.evo2wb.engine.model.RmsNorm;
import org.evo2wb.engine.model.StripedHyena;

/**
 * The stack's decoding step as one {@link StepScript} call per block and one for the head. The lists the methods
 * read are made once, when the decoder is ready (each block's tensors, its state, the norm constants); a step then
 * costs five JNI calls per block (wrap the input, run the method, take and free the output) instead of the ~40
 * operator calls of the DJL step. A block whose state tensors are replaced (the attention cache growing) has its
 * state list made again. Owns those lists and must be closed (the GEMM-type copies made for them belong to the
 * decoder's memory).
 */
final class ScriptedSteps implements AutoCloseable {

    private final List<BlockState> states;
    private final PtSymbolBlock module;
    private final PtNDManager owner;
    private final String[] methods;
    private final IValue[] weights;
    private final IValue[] state;
    private final IValue[] gelu;
    private final IValue constants;
    private IValue head;

    /**
     * @param states the filled states, one per block, with their final rows
     * @param owner memory on the model's device for the copies made here (closed by the caller after this)
     */
    ScriptedSteps(StripedHyena model, List<BlockState> states, NDManager owner) {
        this.states = states;
        this.module = StepScript.module();
        this.owner = (PtNDManager) owner;
        int n = states.size();
        this.methods = new String[n];
        this.weights = new IValue[n];
        this.state = new IValue[n];
        this.gelu = new IValue[n];
        RmsNorm norm = model.finalNorm();
        this.constants = IValue.listFrom(norm.inverseSqrtWidth(), norm.eps(),
                1.0 / Math.sqrt(model.architecture().headDim()));
        try {
            for (int i = 0; i < n; i++) {
                BlockState s = states.get(i);
                methods[i] = s.scriptMethod();
                weights[i] = list(s.scriptWeights(owner));
                state[i] = list(s.scriptState());
                gelu[i] = IValue.from(model.blocks().get(i).mlp().usesGelu());
            }
            head = list(List.of(norm.scale(), Linear.inGemmType(model.embedding(), model.precision(), owner)));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Whether every linear layer of {@code model} is a plain affine map, which the script computes. */
    static boolean supports(StripedHyena model) {
        return model.linears().values().stream().allMatch(Linear::isPlainAffine);
    }

    private static IValue list(List<NDArray> arrays) {
        return IValue.listFrom(arrays.stream().map(a -> (PtNDArray) a).toArray(PtNDArray[]::new));
    }

    /**
     * The stack and head on one position per row.
     *
     * @param x the embedded tokens (B, 1, D), fp32
     * @return the logits (B, 1, V), fp32, in the caller's scope
     */
    NDArray step(NDArray x, long position) {
        IValue pos = IValue.from(position);
        try {
            NDArray h = x;
            for (int i = 0; i < methods.length; i++) {
                BlockState s = states.get(i);
                if (s.reserve(position)) {
                    state[i].close();
                    state[i] = list(s.scriptState());
                }
                h = call(methods[i], h, weights[i], state[i], pos, constants, gelu[i]);
                s.stepped(position);
            }
            return call("head", h, head, constants);
        } finally {
            pos.close();
        }
    }

    /** Runs a method on x and the other arguments; its output in the caller's scope. */
    private NDArray call(String method, NDArray x, IValue... rest) {
        IValue[] in = new IValue[rest.length + 1];
        in[0] = IValue.from((PtNDArray) x);
        System.arraycopy(rest, 0, in, 1, rest.length);
        try (IValue out = IValueUtils.runMethod(module, method, in)) {
            return out.toTensor(owner);
        } finally {
            in[0].close();
        }
    }

    @Override
    public void close() {
        for (IValue[] group : List.of(weights, state, gelu)) {
            for (IValue v : group) {
                if (v != null) {
                    v.close();
                }
            }
        }
        if (head != null) {
            head.close();
        }
        constants.close();
    }
}
