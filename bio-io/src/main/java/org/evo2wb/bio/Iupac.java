package org.evo2wb.bio;

/**
 * IUPAC nucleotide codes: which letters are bases, their complements, and reverse complements with case kept.
 *
 * <p>Accepted letters (either case): {@code A C G T U} (bases), {@code N} (any base), and the ambiguity codes
 * {@code R=A/G Y=C/T K=G/T M=A/C S=C/G W=A/T B=C/G/T D=A/G/T H=A/C/T V=A/C/G}. Complement pairs: A-T, C-G, R-Y, K-M,
 * B-V, D-H; S, W and N are their own complements; U complements to A (and A to T).
 */
public final class Iupac {

    private static final byte[] COMPLEMENT = new byte[128];
    private static final boolean[] NUCLEOTIDE = new boolean[128];
    private static final boolean[] AMBIGUITY = new boolean[128];

    static {
        String pairs = "ATTACGGCUARYYRKMMKSSWWBVVBDHHDNN";
        for (int i = 0; i < pairs.length(); i += 2) {
            char from = pairs.charAt(i);
            char to = pairs.charAt(i + 1);
            COMPLEMENT[from] = (byte) to;
            COMPLEMENT[Character.toLowerCase(from)] = (byte) Character.toLowerCase(to);
            NUCLEOTIDE[from] = true;
            NUCLEOTIDE[Character.toLowerCase(from)] = true;
        }
        for (char c : "RYKMSWBDHV".toCharArray()) {
            AMBIGUITY[c] = true;
            AMBIGUITY[Character.toLowerCase(c)] = true;
        }
    }

    private Iupac() {}

    /** True for an IUPAC nucleotide letter (bases, N and ambiguity codes, either case). */
    public static boolean isNucleotide(int c) {
        return c >= 0 && c < 128 && NUCLEOTIDE[c];
    }

    /** True for an ambiguity code other than N ({@code RYKMSWBDHV}, either case). */
    public static boolean isAmbiguity(int c) {
        return c >= 0 && c < 128 && AMBIGUITY[c];
    }

    /**
     * True for letters that occur in protein sequences but are not nucleotide codes ({@code E F I J L O P Q Z X *}),
     * used to tell a user that a file holds protein.
     */
    public static boolean isProteinOnly(int c) {
        return "EFIJLOPQZXefijlopqzx*".indexOf(c) >= 0;
    }

    /** Complement of one IUPAC letter, case kept. */
    public static byte complement(byte base) {
        byte c = base >= 0 ? COMPLEMENT[base] : 0;
        if (c == 0) {
            throw new IllegalArgumentException("not an IUPAC nucleotide code: '" + (char) (base & 0xFF) + "'");
        }
        return c;
    }

    /** Reverse complement of {@code bases[from, to)}, written into a new array; case and ambiguity codes kept. */
    public static byte[] reverseComplement(byte[] bases, int from, int to) {
        byte[] out = new byte[to - from];
        for (int i = from, j = out.length - 1; i < to; i++, j--) {
            out[j] = complement(bases[i]);
        }
        return out;
    }

    /** Reverse complement of a sequence; case and ambiguity codes kept ({@code "ACgtRN"} gives {@code "NYacGT"}). */
    public static String reverseComplement(CharSequence sequence) {
        StringBuilder sb = new StringBuilder(sequence.length());
        for (int i = sequence.length() - 1; i >= 0; i--) {
            char c = sequence.charAt(i);
            if (c >= 128) {
                throw new IllegalArgumentException("not an IUPAC nucleotide code: '" + c + "'");
            }
            sb.append((char) complement((byte) c));
        }
        return sb.toString();
    }
}
