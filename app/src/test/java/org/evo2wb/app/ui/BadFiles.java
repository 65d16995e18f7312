package org.evo2wb.app.ui;

/** Malformed inputs written by tests. */
final class BadFiles {

    private BadFiles() {}

    /** The record that {@link #TRUNCATED_GENBANK} is cut short in. */
    static final String TRUNCATED_RECORD = "X55053";

    /** A GenBank record cut off inside its sequence: no {@code //} terminator. */
    static final String TRUNCATED_GENBANK = """
            LOCUS       ATCOR66M      513 bp    mRNA            PLN       02-MAR-1992
            DEFINITION  A.thaliana cor6.6 mRNA.
            ACCESSION   X55053
            VERSION     X55053.1  GI:16229
            FEATURES             Location/Qualifiers
                 source          1..513
                                 /organism="Arabidopsis thaliana"
            ORIGIN
                    1 aacaaaacac acatcaaaaa caaacacaaa
            """;
}
