package org.evo2wb.bio;

/** Molecule topology as declared by the file (GenBank LOCUS / EMBL ID line); FASTA gives {@link #UNKNOWN}. */
public enum Topology {
    LINEAR,
    CIRCULAR,
    UNKNOWN
}
