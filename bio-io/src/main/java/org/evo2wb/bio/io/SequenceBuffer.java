package org.evo2wb.bio.io;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects the bases of one record in chunks, so that turning them into a String never needs more than about two
 * copies of the sequence: the chunks (or one exact array) and the final String.
 *
 * <p>Small records start in a small array that doubles up to {@link #CHUNK}; larger records continue in further
 * chunks of {@link #CHUNK} bytes, so there is no doubling copy of a large sequence. When the file states the length
 * (GenBank LOCUS, EMBL ID), {@link #expect(long)} sizes one exact array up front.
 */
public final class SequenceBuffer {

    /** Chunk size for large sequences. */
    static final int CHUNK = 1 << 20;

    private final List<byte[]> full = new ArrayList<>();
    private byte[] current = new byte[1024];
    private int used;
    private long length;

    /**
     * Largest stated length sized up front. A header can claim any length (a damaged LOCUS line claiming 1.5 billion
     * bases must not cost 1.5 GB before a single base is read); longer records grow chunk by chunk instead.
     */
    static final long EXPECT_LIMIT = 64L << 20;

    /** Sizes the buffer for a stated length (ignored when unreasonable or above {@link #EXPECT_LIMIT}). */
    public void expect(long declared) {
        if (length == 0 && declared > current.length && declared <= EXPECT_LIMIT) {
            current = new byte[(int) declared];
        }
    }

    public long length() {
        return length;
    }

    public void append(byte b) {
        if (used == current.length) {
            grow();
        }
        current[used++] = b;
        length++;
    }

    private void grow() {
        if (current.length < CHUNK) {
            current = Arrays.copyOf(current, Math.min(CHUNK, current.length * 2));
        } else {
            full.add(current);
            current = new byte[CHUNK];
            used = 0;
        }
    }

    /**
     * The bases as a String (ISO-8859-1, one byte per base); the buffer is empty afterwards. Chunks are released while
     * they are copied into the exact array, and that array is the only other copy while the String is made.
     */
    public String takeString() {
        String s;
        if (full.isEmpty()) {
            s = new String(current, 0, used, StandardCharsets.ISO_8859_1);
        } else {
            if (length > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("sequence longer than 2 GB");
            }
            byte[] all = new byte[(int) length];
            int at = 0;
            for (int i = 0; i < full.size(); i++) {
                byte[] chunk = full.get(i);
                System.arraycopy(chunk, 0, all, at, chunk.length);
                at += chunk.length;
                full.set(i, null);
            }
            System.arraycopy(current, 0, all, at, used);
            full.clear();
            current = null;
            s = new String(all, StandardCharsets.ISO_8859_1);
        }
        reset();
        return s;
    }

    private void reset() {
        full.clear();
        current = new byte[1024];
        used = 0;
        length = 0;
    }
}
