package org.evo2wb.bio;

/** Molecule type as declared by the file (GenBank LOCUS / EMBL ID line); FASTA gives {@link #UNKNOWN}. */
public enum MoleculeType {
    DNA,
    RNA,
    UNKNOWN
}
