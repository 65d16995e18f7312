package org.evo2wb.engine.variants;

/** Why an ALT allele of a VCF record was not scored; the code is what the output VCF's {@code EVO2_SKIP} holds. */
public enum SkipReason {
    /** The record's REF differs from the reference genome at its position (after upper-casing both). */
    REF_MISMATCH("ref_mismatch"),
    /** The contig is not in the reference (with or without {@code chr}), or REF runs past the contig's end. */
    OUTSIDE_CONTIG("outside_contig"),
    /** More than half of the reference window is N or another non-ACGT code. */
    MOSTLY_N("mostly_n"),
    /** A symbolic or breakend ALT ({@code <DEL>}, {@code *}, {@code N[chr2:123[}): no bases to score. */
    SYMBOLIC_ALT("symbolic_alt");

    private final String code;

    SkipReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static SkipReason ofCode(String code) {
        for (SkipReason r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown skip reason '" + code + "'");
    }
}
