package org.evo2wb.bio;

import java.util.Optional;

/**
 * NCBI translation tables for classifying codon changes. Table 1 (standard) and table 11 (bacterial, archaeal and
 * plant plastid) assign the same amino acids to all 64 codons and differ only in their alternative start codons,
 * which a change of amino acid does not depend on; both are served by {@link #STANDARD}.
 *
 * <p>Codons are read in either case, with {@code U} taken as {@code T}. A codon with any other letter (N or an
 * ambiguity code) translates to {@code X}; stop codons translate to {@code *}.
 */
public final class GeneticCode {

    /** The standard code (NCBI table 1), also used for table 11. */
    public static final GeneticCode STANDARD = new GeneticCode(1,
            "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG");

    private static final String ORDER = "TCAG";

    private final int table;
    private final String aminoAcids;

    private GeneticCode(int table, String aminoAcids) {
        this.table = table;
        this.aminoAcids = aminoAcids;
    }

    /** The code of an NCBI {@code transl_table} number, when supported (1 and 11). */
    public static Optional<GeneticCode> forTable(int ncbiTable) {
        return ncbiTable == 1 || ncbiTable == 11 ? Optional.of(STANDARD) : Optional.empty();
    }

    /** NCBI table number. */
    public int table() {
        return table;
    }

    /** One-letter amino acid of a codon, {@code *} for a stop codon, {@code X} when a letter is not A, C, G, T/U. */
    public char translate(char first, char second, char third) {
        int a = index(first);
        int b = index(second);
        int c = index(third);
        if (a < 0 || b < 0 || c < 0) {
            return 'X';
        }
        return aminoAcids.charAt(16 * a + 4 * b + c);
    }

    /** {@link #translate(char, char, char)} of the first three letters of {@code codon}. */
    public char translate(CharSequence codon) {
        if (codon.length() != 3) {
            throw new IllegalArgumentException("a codon has 3 bases, got '" + codon + "'");
        }
        return translate(codon.charAt(0), codon.charAt(1), codon.charAt(2));
    }

    private static int index(char base) {
        char u = Character.toUpperCase(base);
        return ORDER.indexOf(u == 'U' ? 'T' : u);
    }
}
