package org.evo2wb.engine.score;

/**
 * Reverse complement of a nucleotide string with IUPAC codes, keeping case (soft-masking survives):
 * A↔T, C↔G, U→A, R↔Y, K↔M, B↔V, D↔H, S, W, N and gaps map to themselves; any other character is kept as is.
 */
public final class ReverseComplement {

    private static final char[] TABLE = new char[128];

    static {
        for (char c = 0; c < 128; c++) {
            TABLE[c] = c;
        }
        pair('A', 'T');
        pair('C', 'G');
        pair('R', 'Y');
        pair('K', 'M');
        pair('B', 'V');
        pair('D', 'H');
        TABLE['U'] = 'A';
        TABLE['u'] = 'a';
    }

    private static void pair(char a, char b) {
        TABLE[a] = b;
        TABLE[b] = a;
        char la = Character.toLowerCase(a);
        char lb = Character.toLowerCase(b);
        TABLE[la] = lb;
        TABLE[lb] = la;
    }

    private ReverseComplement() {
    }

    public static String of(CharSequence seq) {
        int n = seq.length();
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            char c = seq.charAt(n - 1 - i);
            out[i] = c < 128 ? TABLE[c] : c;
        }
        return new String(out);
    }
}
