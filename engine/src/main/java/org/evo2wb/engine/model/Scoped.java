package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * One step of a forward pass in a scope of its own: every array the step makes (views, casts, intermediate products)
 * is freed as soon as it returns, not when the block's scope ends, and only its result joins the caller's scope. A
 * view that is the result keeps its base's memory (PyTorch counts the references), so a step may end in a transpose or
 * a slice. Autograd keeps what a backward pass needs whatever handles are closed.
 */
final class Scoped {

    private Scoped() {
    }

    static NDArray step(Supplier<NDArray> step) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            out = step.get();
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }
}
