package org.evo2wb.engine.model;

/**
 * The four StripedHyena 2 block types, with the pattern letters NeMo/BioNeMo use in {@code hybrid_override_pattern}.
 */
public enum BlockKind {
    /** Hyena-SE, short explicit 7-tap FIR filter ({@code hcs_layer_idxs}). */
    HCS('S'),
    /** Hyena-MR, medium regularized 128-tap FIR filter ({@code hcm_layer_idxs}). */
    HCM('D'),
    /** Hyena-LI, long implicit modal (IIR) filter ({@code hcl_layer_idxs}). */
    HCL('H'),
    /** Multi-head attention with rotary embeddings ({@code attn_layer_idxs}). */
    ATTENTION('*');

    private final char letter;

    BlockKind(char letter) {
        this.letter = letter;
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
