package org.evo2wb.engine.model;

/**
 * The four StripedHyena 2 block types, with the spec's short names (hcs, hcm, hcl, attn: the {@code *_layer_idxs}
 * fields of the config) and the pattern letters NeMo/BioNeMo use in {@code hybrid_override_pattern}. The one place a
 * block kind is named: blocks, configs, the memory estimate and the views all use this type.
 */
public enum BlockKind {
    /** Hyena-SE, short explicit 7-tap FIR filter ({@code hcs_layer_idxs}). */
    HCS('S', "hcs", "Hyena short explicit"),
    /** Hyena-MR, medium regularized 128-tap FIR filter ({@code hcm_layer_idxs}). */
    HCM('D', "hcm", "Hyena medium regularized"),
    /** Hyena-LI, long implicit modal (IIR) filter ({@code hcl_layer_idxs}). */
    HCL('H', "hcl", "Hyena long implicit"),
    /** Multi-head attention with rotary embeddings ({@code attn_layer_idxs}). */
    ATTENTION('*', "attn", "attention");

    private final char letter;
    private final String specName;
    private final String description;

    BlockKind(char letter, String specName, String description) {
        this.letter = letter;
        this.specName = specName;
        this.description = description;
    }

    /** The spec's short name: hcs, hcm, hcl or attn. */
    public String specName() {
        return specName;
    }

    /** "Hyena short explicit (hcs)", "attention": for tooltips and messages. */
    public String describe() {
        return this == ATTENTION ? description : description + " (" + specName + ")";
    }

    /** The spec's short name, as messages print it. */
    @Override
    public String toString() {
        return specName;
    }

    public char letter() {
        return letter;
    }

    public boolean isHyena() {
        return this != ATTENTION;
    }

    public static BlockKind ofLetter(char c) {
        for (BlockKind k : values()) {
            if (k.letter == c) {
                return k;
            }
        }
        throw new IllegalArgumentException("no block kind for pattern letter '" + c + "' (expected S, D, H or *)");
    }
}
