package org.evo2wb.bio;

/** Text format of a sequence file, told from its first non-blank line. */
public enum SequenceFormat {
    /** FASTA / multi-FASTA ({@code >} header lines, optional {@code ;} comment lines). */
    FASTA,
    /** GenBank flat file ({@code LOCUS} ... {@code //}). */
    GENBANK,
    /** EMBL flat file ({@code ID} ... {@code //}). */
    EMBL
}
