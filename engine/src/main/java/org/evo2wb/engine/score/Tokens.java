package org.evo2wb.engine.score;

import java.nio.charset.StandardCharsets;

/**
 * Evo 2's tokenizer (vortex {@code CharLevelTokenizer(512)}, spec §2): one token per UTF-8 byte, case-sensitive,
 * no implicit prefix or suffix. {@code A}=65, {@code C}=67, {@code G}=71, {@code T}=84, {@code a}=97, … The
 * end-of-document id 0 doubles as the optional BOS; 1 is the padding id.
 */
public final class Tokens {

    /** End-of-document id, prepended as BOS when asked for. */
    public static final long EOD = 0;
    /** Padding id used to right-pad batches. */
    public static final long PAD = 1;

    private Tokens() {
    }

    /** Token ids of {@code seq}, optionally preceded by {@link #EOD} as BOS. */
    public static long[] encode(CharSequence seq, boolean prependBos) {
        byte[] b = seq.toString().getBytes(StandardCharsets.UTF_8);
        int off = prependBos ? 1 : 0;
        long[] out = new long[b.length + off];
        if (prependBos) {
            out[0] = EOD;
        }
        for (int i = 0; i < b.length; i++) {
            out[i + off] = b[i] & 0xff;
        }
        return out;
    }
}
