package org.evo2wb.engine.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/**
 * The memory that owns a decoder's carried state. Arrays made inside a step's {@link NDScope} are moved here with
 * {@link #keep} so they outlive the step; the array they replace is closed with {@link #replace}.
 */
final class StateArrays {

    private final NDManager manager;

    StateArrays(NDManager manager) {
        this.manager = manager;
    }

    /** Takes {@code a} out of the current scope and into the state's memory. */
    NDArray keep(NDArray a) {
        NDScope.unregister(a);
        a.attach(manager);
        return a;
    }

    /** Keeps {@code next} and closes {@code previous} (null allowed). */
    NDArray replace(NDArray previous, NDArray next) {
        NDArray kept = keep(next);
        if (previous != null && previous != next) {
            previous.close();
        }
        return kept;
    }

    NDManager manager() {
        return manager;
    }
}
