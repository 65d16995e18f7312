package org.evo2wb.bio.io;

import org.evo2wb.bio.Iupac;

/** Copies the bases of a sequence line into a {@link SequenceBuffer}, skipping whitespace and digits. */
public final class SequenceChars {

    private static final byte SKIP = 1;
    private static final byte BASE = 2;
    private static final byte[] CLASS = new byte[256];

    static {
        for (int c = 0; c < 128; c++) {
            if (Iupac.isNucleotide(c)) {
                CLASS[c] = BASE;
            }
        }
        for (char c : " \t\r\f\u000b0123456789".toCharArray()) {
            CLASS[c] = SKIP;
        }
    }

    private SequenceChars() {}

    /**
     * Appends the nucleotide letters of {@code b[from, to)}.
     *
     * @return the index of the first byte that is neither a nucleotide code, whitespace nor a digit; -1 when all were
     *     accepted
     */
    public static int append(byte[] b, int from, int to, SequenceBuffer out) {
        for (int i = from; i < to; i++) {
            byte kind = CLASS[b[i] & 0xFF];
            if (kind == BASE) {
                out.append(b[i]);
            } else if (kind != SKIP) {
                return i;
            }
        }
        return -1;
    }

    /** A sentence that tells the user why a character cannot be part of a DNA/RNA sequence. */
    public static String explain(int c) {
        String shown = c >= 32 && c < 127 ? "'" + (char) c + "'" : String.format("byte 0x%02x", c & 0xFF);
        if (c == '-' || c == '.') {
            return "gap character " + shown + " in the sequence: aligned sequences are not supported, remove the gaps"
                    + " first";
        }
        if (Iupac.isProteinOnly(c)) {
            return "character " + shown + " is not a nucleotide code: this looks like a protein sequence; only DNA"
                    + " and RNA records can be read";
        }
        return "character " + shown + " is not an IUPAC nucleotide code";
    }
}
