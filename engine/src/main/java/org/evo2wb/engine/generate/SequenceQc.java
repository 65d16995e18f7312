package org.evo2wb.engine.generate;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Composition and structure of a DNA sequence, to judge generated DNA next to its prompt (letters compared
 * case-insensitively):
 *
 * @param length letters
 * @param gcPercent 100 · (G + C) / (A + C + G + T); NaN without any of them
 * @param longestOrf longest open reading frame in each of the six frames, in bases from ATG to the stop codon
 *                   included (standard code: TAA, TAG, TGA), 0 where the frame has none; order +1, +2, +3, −1, −2, −3
 * @param longestHomopolymer longest run of one repeated letter
 * @param homopolymerRuns runs of one letter at least {@link #HOMOPOLYMER_RUN} long
 * @param repeatedKmerFraction fraction of the sequence's {@link #K}-mers that already occurred earlier in it
 *                             (0 for non-repetitive DNA, near 1 for a tandem repeat); NaN when shorter than K
 */
public record SequenceQc(int length, double gcPercent, int[] longestOrf, int longestHomopolymer, int homopolymerRuns,
                         double repeatedKmerFraction) {

    /** k of the repetition measure: 12-mers repeat by chance about once per 16 million pairs of positions. */
    public static final int K = 12;

    /** Shortest run counted in {@link #homopolymerRuns}. */
    public static final int HOMOPOLYMER_RUN = 6;

    /** Frame labels in the order of {@link #longestOrf}. */
    public static final String[] FRAMES = {"+1", "+2", "+3", "-1", "-2", "-3"};

    public static SequenceQc of(CharSequence sequence) {
        String s = sequence.toString().toUpperCase(Locale.ROOT);
        long gc = 0;
        long acgt = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 'G' || c == 'C') {
                gc++;
            }
            if (c == 'A' || c == 'C' || c == 'G' || c == 'T') {
                acgt++;
            }
        }
        int[] orfs = new int[6];
        String rc = reverseComplement(s);
        for (int f = 0; f < 3; f++) {
            orfs[f] = longestOrf(s, f);
            orfs[3 + f] = longestOrf(rc, f);
        }
        int longest = 0;
        int runs = 0;
        for (int i = 0; i < s.length(); ) {
            int j = i;
            while (j < s.length() && s.charAt(j) == s.charAt(i)) {
                j++;
            }
            longest = Math.max(longest, j - i);
            if (j - i >= HOMOPOLYMER_RUN) {
                runs++;
            }
            i = j;
        }
        return new SequenceQc(s.length(), acgt == 0 ? Double.NaN : 100.0 * gc / acgt, orfs, longest, runs,
                repeatedKmers(s));
    }

    /** Longest ATG…stop in frame {@code frame} (0, 1, 2) of s, stop codon included; 0 if none is complete. */
    static int longestOrf(String s, int frame) {
        int best = 0;
        int start = -1;
        for (int i = frame; i + 3 <= s.length(); i += 3) {
            String codon = s.substring(i, i + 3);
            if (start < 0 && codon.equals("ATG")) {
                start = i;
            } else if (start >= 0 && (codon.equals("TAA") || codon.equals("TAG") || codon.equals("TGA"))) {
                best = Math.max(best, i + 3 - start);
                start = -1;
            }
        }
        return best;
    }

    static double repeatedKmers(String s) {
        if (s.length() < K) {
            return Double.NaN;
        }
        Set<String> seen = new HashSet<>();
        int repeated = 0;
        int total = s.length() - K + 1;
        for (int i = 0; i < total; i++) {
            if (!seen.add(s.substring(i, i + K))) {
                repeated++;
            }
        }
        return (double) repeated / total;
    }

    static String reverseComplement(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = s.length() - 1; i >= 0; i--) {
            char c = s.charAt(i);
            b.append(switch (c) {
                case 'A' -> 'T';
                case 'T' -> 'A';
                case 'C' -> 'G';
                case 'G' -> 'C';
                default -> 'N';
            });
        }
        return b.toString();
    }

    /** Longest ORF over the six frames. */
    public int longestOrfAnyFrame() {
        int m = 0;
        for (int v : longestOrf) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** The figures as {@code gc=48.2 orf=+1:312,+2:0,… homopolymer=7 runs6=2 repeat12=0.012}, for FASTA headers. */
    public String describe() {
        StringBuilder orf = new StringBuilder();
        for (int f = 0; f < 6; f++) {
            orf.append(f == 0 ? "" : ",").append(FRAMES[f]).append(':').append(longestOrf[f]);
        }
        return String.format(Locale.ROOT, "gc=%.1f orf=%s homopolymer=%d runs%d=%d repeat%d=%.3f", gcPercent, orf,
                longestHomopolymer, HOMOPOLYMER_RUN, homopolymerRuns, K, repeatedKmerFraction);
    }
}
