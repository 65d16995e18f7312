package org.evo2wb.engine.model;

/**
 * The sizes every block needs, derived once from the model config.
 *
 * @param hidden D
 * @param inner MLP width I (taken from the checkpoint shapes when they differ from the config)
 * @param eps RMSNorm epsilon
 * @param geluBlock0Only {@code evo2_style_activations}: GELU in block 0 only, identity elsewhere; when false every
 *                       block uses GELU
 * @param precision GEMM precision
 */
public record BlockDims(long hidden, long inner, double eps, boolean geluBlock0Only, Precision precision) {

    /** Whether block {@code index}'s MLP applies GELU. */
    public boolean geluInMlp(int index) {
        return !geluBlock0Only || index == 0;
    }
}
