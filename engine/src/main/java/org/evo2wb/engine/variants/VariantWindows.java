package org.evo2wb.engine.variants;

import java.util.Locale;

/**
 * The reference and alternative windows of one variant (docs/decisions: variant windows). With p the 0-based start
 * of REF (r bases), A the ALT bases, n the contig length and W the window:
 *
 * <pre>
 *   s          = max(0, p − ⌊W/2⌋)                      the variant at index W/2 unless clipped at the contig start
 *   ref window = ref[s, min(n, s + W))                   (length m)
 *   alt window = ref[s, p) + A + ref[p + r, …)           filled from the right to m bases (or to the contig end),
 *                                                        cut to m bases when A is long
 * </pre>
 *
 * Both windows start at the same base and are aligned at the variant's start: an SNV changes one base at index
 * p − s, an insertion or deletion shifts only what follows it. Bases are upper-cased, as scoring does.
 */
public final class VariantWindows {

    private VariantWindows() {
    }

    /**
     * @param start 0-based contig coordinate of both windows' first base
     * @param ref the reference window (upper case)
     * @param alt the alternative window (upper case)
     */
    public record Pair(long start, String ref, String alt) {
    }

    /** The span {@code [s, e)} of the contig that {@link #pair} needs. */
    public static long[] span(long p, int refLength, int altLength, long contigLength, int window) {
        long s = Math.max(0, p - window / 2);
        long refEnd = Math.min(contigLength, s + window);
        long fill = Math.max(0, (refEnd - s) - (p - s) - altLength);
        long altEnd = Math.min(contigLength, p + refLength + fill);
        return new long[] {s, Math.max(refEnd, altEnd)};
    }

    /**
     * Builds both windows from {@code bases}, the contig's bases over {@link #span}.
     *
     * @param bases the contig's bases {@code [span[0], span[1])}
     */
    public static Pair pair(String bases, long spanStart, long p, int refLength, String alt, long contigLength,
                            int window) {
        long s = Math.max(0, p - window / 2);
        if (s != spanStart) {
            throw new IllegalArgumentException("bases start at " + spanStart + ", the window at " + s);
        }
        String up = bases.toUpperCase(Locale.ROOT);
        int m = (int) (Math.min(contigLength, s + window) - s);
        String ref = up.substring(0, m);
        int before = (int) (p - s);
        StringBuilder a = new StringBuilder(m + alt.length());
        a.append(up, 0, before).append(alt.toUpperCase(Locale.ROOT));
        int from = before + refLength;
        int need = Math.max(0, m - a.length());
        a.append(up, Math.min(up.length(), from), Math.min(up.length(), from + need));
        if (a.length() > m) {
            a.setLength(m);
        }
        return new Pair(s, ref, a.toString());
    }

    /** True when more than half of the bases are not A, C, G or T. */
    public static boolean mostlyN(String upper) {
        int other = 0;
        for (int i = 0; i < upper.length(); i++) {
            char c = upper.charAt(i);
            if (c != 'A' && c != 'C' && c != 'G' && c != 'T') {
                other++;
            }
        }
        return other * 2 > upper.length();
    }

    /** True for an ALT without plain bases: {@code <...>}, {@code *}, {@code .} or a breakend. */
    public static boolean symbolic(String alt) {
        if (alt.isEmpty() || alt.equals("*") || alt.equals(".") || alt.startsWith("<")) {
            return true;
        }
        for (int i = 0; i < alt.length(); i++) {
            char c = Character.toUpperCase(alt.charAt(i));
            if ("ACGTNRYSWKMBDHV".indexOf(c) < 0) {
                return true;
            }
        }
        return false;
    }
}
