package org.evo2wb.bio.dataset;

/**
 * What happens to lowercase bases when windows are tokenized. The tokenizer is case-sensitive, so this changes the
 * tokens: {@code a}=97 but {@code A}=65.
 */
public enum CaseMode {
    /** Bases as the file wrote them (FASTA soft-masking kept; GenBank/EMBL bases are all lowercase). */
    KEEP,
    /** Upper-case every base (as BioNeMo does to Evo 2 input tokens during training). */
    UPPER
}
