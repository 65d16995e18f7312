package org.evo2wb.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** Overwrites a model's array with saved values, keeping the array (and its place in the model). */
public final class InPlace {

    private InPlace() {
    }

    /**
     * Overwrites {@code target} in place with {@code values} (its size; autograd off), through a staged array and
     * PyTorch's copy, which also rounds them for an fp16 target. Not {@code NDArray.set(float[])}: DJL's native call
     * for it uses a PyTorch guard deprecated since PyTorch 1.10, whose warning PyTorch prints onto the console.
     */
    public static void overwrite(NDArray target, float[] values) {
        try (GradMode off = GradMode.disabled();
             NDArray staged = target.getManager().create(values, target.getShape())) {
            target.set(new NDIndex("..."), staged);
        }
    }
}
