package org.evo2wb.bio.dataset;

import java.nio.charset.StandardCharsets;

/**
 * The Evo 2 tokenizer ({@code CharLevelTokenizer(512)} in vortex): a token is one UTF-8 byte of the text, 0-255,
 * case-sensitive ({@code A}=65, {@code a}=97, {@code N}=78). Special ids: end of sequence {@link #EOS_ID} = 0, padding
 * {@link #PAD_ID} = 1; a beginning-of-sequence token, when asked for, is also id 0 ({@link #BOS_ID}). Ids 256-511
 * exist in the model's vocabulary but are never produced.
 */
public final class Evo2Tokenizer {

    public static final int EOS_ID = 0;
    public static final int PAD_ID = 1;
    public static final int BOS_ID = 0;
    public static final int VOCAB_SIZE = 512;

    private Evo2Tokenizer() {}

    /** The UTF-8 bytes of {@code text} as ids, nothing added. */
    public static int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    /**
     * The ids of {@code text} as a model's input tensor takes them ({@code long}), optionally preceded by BOS (0):
     * {@code "ACGT"} gives {@code [65, 67, 71, 84]}, or {@code [0, 65, 67, 71, 84]} with BOS.
     */
    public static long[] encodeLongs(CharSequence text, boolean bos) {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        int off = bos ? 1 : 0;
        long[] ids = new long[bytes.length + off];
        if (bos) {
            ids[0] = BOS_ID;
        }
        for (int i = 0; i < bytes.length; i++) {
            ids[i + off] = bytes[i] & 0xFF;
        }
        return ids;
    }

    /**
     * Ids for {@code bases[from, to)} (ASCII nucleotide letters), with an optional leading BOS (0) and trailing EOS (0).
     */
    public static int[] encode(byte[] bases, int from, int to, boolean bos, boolean eos) {
        int n = to - from;
        int[] ids = new int[n + (bos ? 1 : 0) + (eos ? 1 : 0)];
        int at = 0;
        if (bos) {
            ids[at++] = BOS_ID;
        }
        for (int i = from; i < to; i++) {
            ids[at++] = bases[i] & 0xFF;
        }
        if (eos) {
            ids[at] = EOS_ID;
        }
        return ids;
    }

    /**
     * Text for ids as vortex detokenizes: each id n becomes the character {@code max(32, min(n, 512))}, so special
     * ids (0, 1) print as spaces.
     */
    public static String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            sb.append((char) Math.max(32, Math.min(id, VOCAB_SIZE)));
        }
        return sb.toString();
    }
}
