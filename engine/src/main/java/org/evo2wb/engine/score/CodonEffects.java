package org.evo2wb.engine.score;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.evo2wb.bio.Feature;
import org.evo2wb.bio.GeneticCode;
import org.evo2wb.bio.Iupac;
import org.evo2wb.bio.Location;
import org.evo2wb.bio.Strand;

/**
 * What each single-base substitution of a region does to the protein of the coding sequences (CDS features) that
 * cover it, for the mutagenesis heatmap and its table.
 *
 * <p>A CDS's coding bases are its spans in biological order (reverse-strand spans read on the complement, from
 * their end); codons start at {@code /codon_start} (default 1) and are translated with the CDS's
 * {@code /transl_table} (1 or 11, see {@link GeneticCode}). A base in a trailing partial codon, a CDS with parts on
 * other entries, and codons with ambiguous letters give {@link Effect#UNKNOWN}. Where several CDSs cover a base
 * (overlapping genes) the most severe call is kept.
 *
 * <p>The first codon of a complete CDS (codon_start 1, its 5' end not partial) that is a start codon of its table
 * (table 1: ATG, CTG, TTG; table 11 also ATT, ATC, ATA, GTG) is read as the initiator methionine, whatever amino acid
 * the codon codes elsewhere: a substitution there is {@link Effect#START_KEPT} ({@code M1M}) when the codon stays a
 * start codon, else {@link Effect#START_LOST} ({@code M1?}).
 */
public final class CodonEffects {

    private CodonEffects() {
    }

    /** Effect of a substitution, in increasing severity. */
    public enum Effect {
        NONCODING("noncoding"),
        UNKNOWN("unknown"),
        SYNONYMOUS("synonymous"),
        /** The first codon of a CDS stays a start codon of its translation table (GTG → ATG): still Met 1. */
        START_KEPT("start_kept"),
        MISSENSE("missense"),
        STOP_LOST("stop_lost"),
        STOP_GAINED("stop_gained"),
        /** The first codon of a CDS is no longer a start codon of its translation table. */
        START_LOST("start_lost");

        private final String label;

        Effect(String label) {
            this.label = label;
        }

        /** Lower-case name used in tables ({@code stop_gained}). */
        public String label() {
            return label;
        }
    }

    /**
     * One cell's call.
     *
     * @param effect what the substitution does
     * @param cds label of the CDS ({@link Feature#label()}), empty for non-coding cells
     * @param codon 1-based codon (amino acid) number in the CDS, 0 when not coding
     * @param refAminoAcid reference amino acid ({@code *} = stop), or a space
     * @param altAminoAcid amino acid after the substitution, or a space
     */
    public record Call(Effect effect, String cds, int codon, char refAminoAcid, char altAminoAcid) {

        static final Call NONCODING = new Call(Effect.NONCODING, "", 0, ' ', ' ');

        /** HGVS-like protein change ({@code M12I}, {@code W3*}), empty when not coding. */
        public String change() {
            return codon > 0 && effect != Effect.UNKNOWN ? "" + refAminoAcid + codon + altAminoAcid : "";
        }
    }

    /**
     * Calls for every cell of a mutagenesis region, in the layout of {@link Mutagenesis.Result#deltas()}
     * ({@code b * L + i}); reference cells and cells outside every CDS are {@link Effect#NONCODING}.
     *
     * @param sequence the whole record
     * @param features the record's features (only {@code CDS} entries are used)
     * @param start first base of the region, 0-based
     * @param end one past the last base
     */
    public static Call[] classify(String sequence, List<Feature> features, int start, int end) {
        int len = end - start;
        Call[] out = new Call[4 * len];
        Arrays.fill(out, Call.NONCODING);
        for (Feature f : features) {
            if (!f.type().equals("CDS") || f.location().min() - 1 >= end || f.location().max() <= start) {
                continue;
            }
            classifyOne(sequence, f, start, end, out);
        }
        return out;
    }

    /**
     * {@link #classify} when a CDS covers at least one base of the region; empty when every cell is non-coding
     * (then a table or heatmap has no codon columns).
     */
    public static Optional<Call[]> codingCalls(String sequence, List<Feature> features, int start, int end) {
        Call[] calls = classify(sequence, features, start, end);
        return Arrays.stream(calls).anyMatch(c -> c.effect() != Effect.NONCODING) ? Optional.of(calls)
                : Optional.empty();
    }

    private static void classifyOne(String seq, Feature f, int start, int end, Call[] out) {
        Location loc = f.location();
        int len = end - start;
        boolean remote = loc.spans().stream().anyMatch(Location.Span::isRemote);
        Optional<GeneticCode> code = GeneticCode.forTable(intQualifier(f, "transl_table", 1));
        int frame = intQualifier(f, "codon_start", 1) - 1;
        int[] coding = codingPositions(loc, seq.length());
        String starts = startCodons(intQualifier(f, "transl_table", 1));
        boolean complete5 = frame == 0 && !fivePrimePartial(loc);
        boolean[] reverse = new boolean[coding.length];
        int n = 0;
        for (Location.Span s : loc.localSpans()) {
            for (long p = s.start(); p <= s.end(); p++) {
                reverse[n++] = s.strand() == Strand.REVERSE;
            }
        }
        for (int k = 0; k < coding.length; k++) {
            int p = coding[k];
            if (p < start || p >= end) {
                continue;
            }
            int i = p - start;
            char refBase = Character.toUpperCase(seq.charAt(p));
            int inCodon = k - frame;
            if (inCodon < 0) {
                continue;                                     // before /codon_start: not translated
            }
            boolean whole = frame + (inCodon / 3) * 3 + 2 < coding.length;
            for (int b = 0; b < 4; b++) {
                char alt = Mutagenesis.BASES.charAt(b);
                if (alt == refBase) {
                    continue;
                }
                Call call;
                if (remote || code.isEmpty() || !whole) {
                    call = new Call(Effect.UNKNOWN, f.label(), 0, ' ', ' ');
                } else {
                    int first = frame + (inCodon / 3) * 3;
                    char[] ref = new char[3];
                    char[] mut = new char[3];
                    for (int j = 0; j < 3; j++) {
                        char c = Character.toUpperCase(seq.charAt(coding[first + j]));
                        char m = first + j == k ? alt : c;
                        ref[j] = reverse[first + j] ? complement(c) : c;
                        mut[j] = reverse[first + j] ? complement(m) : m;
                    }
                    char ra = code.get().translate(ref[0], ref[1], ref[2]);
                    char aa = code.get().translate(mut[0], mut[1], mut[2]);
                    if (first == 0 && complete5 && isStart(starts, ref)) {
                        boolean kept = isStart(starts, mut);
                        call = new Call(kept ? Effect.START_KEPT : Effect.START_LOST, f.label(), 1, 'M',
                                kept ? 'M' : '?');
                    } else {
                        call = new Call(effect(ra, aa), f.label(), inCodon / 3 + 1, ra, aa);
                    }
                }
                if (call.effect().ordinal() > out[b * len + i].effect().ordinal()) {
                    out[b * len + i] = call;
                }
            }
        }
    }

    /** Start codons of an NCBI translation table, space-separated (table 11 for any other than 1). */
    static String startCodons(int table) {
        return table == 1 ? "ATG CTG TTG" : "ATG CTG TTG ATT ATC ATA GTG";
    }

    private static boolean isStart(String starts, char[] codon) {
        String c = new String(codon).toUpperCase(java.util.Locale.ROOT).replace('U', 'T');
        return c.matches("[ACGT]{3}") && starts.contains(c);
    }

    /** True when the CDS's 5' end is not in the record ({@code <} on the forward strand, {@code >} on the reverse). */
    private static boolean fivePrimePartial(Location loc) {
        List<Location.Span> spans = loc.localSpans();
        if (spans.isEmpty()) {
            return true;
        }
        Location.Span firstSpan = spans.get(0);
        return firstSpan.strand() == Strand.REVERSE ? firstSpan.fuzzyEnd() : firstSpan.fuzzyStart();
    }

    private static Effect effect(char ref, char alt) {
        if (ref == 'X' || alt == 'X') {
            return Effect.UNKNOWN;
        }
        if (ref == alt) {
            return Effect.SYNONYMOUS;
        }
        if (alt == '*') {
            return Effect.STOP_GAINED;
        }
        return ref == '*' ? Effect.STOP_LOST : Effect.MISSENSE;
    }

    /** 0-based record positions of the location's bases in biological order (reverse spans from their end). */
    static int[] codingPositions(Location loc, int recordLength) {
        int[] out = new int[Math.toIntExact(loc.length())];
        int n = 0;
        for (Location.Span s : loc.localSpans()) {
            if (s.end() > recordLength) {
                throw new IllegalArgumentException("location " + loc.text() + " ends after the record's "
                        + recordLength + " bases");
            }
            if (s.strand() == Strand.REVERSE) {
                for (long p = s.end(); p >= s.start(); p--) {
                    out[n++] = (int) p - 1;
                }
            } else {
                for (long p = s.start(); p <= s.end(); p++) {
                    out[n++] = (int) p - 1;
                }
            }
        }
        return out;
    }

    private static char complement(char c) {
        return Character.isLetter(c) && c < 128 && Iupac.isNucleotide(c) ? (char) Iupac.complement((byte) c) : 'N';
    }

    private static int intQualifier(Feature f, String name, int fallback) {
        String v = f.qualifier(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("feature " + f.type() + " " + f.location().text() + ": /" + name
                    + "=" + v + " is not a number");
        }
    }
}
