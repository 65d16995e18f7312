package org.evo2wb.engine.model;

/**
 * Role of a model tensor: decides random initialisation for benchmark models, whether the tensor is trained, and
 * whether weight decay applies (NeMo/BioNeMo exempt norms, biases and filter parameters).
 */
public enum ParameterKind {
    /** Token embedding (tied with the unembedding). */
    EMBEDDING(true, true),
    /** Weight matrix of a linear layer. */
    LINEAR_WEIGHT(true, true),
    /** Bias of a linear layer. */
    LINEAR_BIAS(true, false),
    /** RMSNorm scale. */
    NORM_SCALE(true, false),
    /** Taps of the 3-tap short depthwise conv on the projections. */
    SHORT_FILTER(true, false),
    /** Explicit hcs taps (G, 1, 7). */
    HCS_FILTER(true, false),
    /** Explicit hcm taps (G, 1, 128), decay already folded in. */
    HCM_FILTER(true, false),
    /** Skip term D of hcm and hcl. */
    SKIP(true, false),
    /** hcl log-poles λ (D, S, 1). */
    LOG_POLES(true, false),
    /** hcl residues R (D, S). */
    RESIDUES(true, false),
    /** RoPE inverse frequencies: a buffer, never trained. */
    ROTARY_INV_FREQ(false, false);

    private final boolean trainable;
    private final boolean weightDecay;

    ParameterKind(boolean trainable, boolean weightDecay) {
        this.trainable = trainable;
        this.weightDecay = weightDecay;
    }

    public boolean isTrainable() {
        return trainable;
    }

    public boolean usesWeightDecay() {
        return weightDecay;
    }
}
