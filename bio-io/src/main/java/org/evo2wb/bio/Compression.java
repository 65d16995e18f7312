package org.evo2wb.bio;

/** How a sequence file is compressed, told from its first bytes (never from its name). */
public enum Compression {
    /** Plain text. */
    NONE,
    /** gzip ({@code 1f 8b}), one or several members. */
    GZIP,
    /** Blocked gzip as written by bgzip/htslib: gzip members carrying a {@code BC} extra field. */
    BGZF,
    /** bzip2 ({@code BZh}). */
    BZIP2,
    /** xz ({@code fd 37 7a 58 5a 00}). */
    XZ
}
