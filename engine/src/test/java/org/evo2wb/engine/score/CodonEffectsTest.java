package org.evo2wb.engine.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.evo2wb.bio.Feature;
import org.evo2wb.bio.Location;
import org.evo2wb.bio.Strand;
import org.evo2wb.engine.score.CodonEffects.Call;
import org.evo2wb.engine.score.CodonEffects.Effect;
import org.junit.jupiter.api.Test;

class CodonEffectsTest {

    private static Feature cds(Strand strand, Map<String, List<String>> q, long[]... spans) {
        List<Location.Span> s = new java.util.ArrayList<>();
        for (long[] sp : spans) {
            s.add(new Location.Span(sp[0], sp[1], strand, false, false));
        }
        return new Feature("CDS", new Location(s, strand, false, "test"), q);
    }

    private static Call at(Call[] calls, int len, char base, int i) {
        return calls[Mutagenesis.baseIndex(base) * len + i];
    }

    @Test
    void forwardStrandCodonsAreClassified() {
        // 1-based: CDS 3..11 = ATG TGG TAA (M W *).
        String seq = "ccATGTGGTAAgg";
        Call[] c = CodonEffects.classify(seq, List.of(cds(Strand.FORWARD, Map.of("gene", List.of("g")),
                new long[] {3, 11})), 0, seq.length());
        int n = seq.length();
        assertEquals(Effect.NONCODING, at(c, n, 'A', 0).effect());
        assertEquals(Effect.START_KEPT, at(c, n, 'C', 2).effect());            // ATG → CTG: a table-1 start
        assertEquals("M1M", at(c, n, 'C', 2).change());
        assertEquals(Effect.START_LOST, at(c, n, 'G', 2).effect());            // ATG → GTG: no table-1 start
        assertEquals("M1?", at(c, n, 'G', 2).change());
        assertEquals(Effect.START_LOST, at(c, n, 'C', 4).effect());            // ATG → ATC
        assertEquals(Effect.STOP_GAINED, at(c, n, 'A', 7).effect());           // TGG → TGA
        assertEquals(Effect.STOP_GAINED, at(c, n, 'A', 6).effect());           // TGG → TAG
        assertEquals(Effect.MISSENSE, at(c, n, 'C', 7).effect());              // TGG → TGC: W → C
        assertEquals(Effect.SYNONYMOUS, at(c, n, 'G', 10).effect());           // TAA → TAG: * → *
        assertEquals(Effect.STOP_LOST, at(c, n, 'C', 10).effect());            // TAA → TAC: * → Y
        assertEquals("*3Y", at(c, n, 'C', 10).change());
        assertEquals(Effect.NONCODING, at(c, n, 'A', 2).effect(), "the reference base itself");
    }

    @Test
    void codingCallsOnlyWhereACdsCoversTheRegion() {
        String seq = "ccATGTGGTAAgg";
        List<Feature> f = List.of(cds(Strand.FORWARD, Map.of(), new long[] {3, 11}));
        assertEquals(Optional.empty(), CodonEffects.codingCalls(seq, f, 0, 2), "bases 1-2 lie before the CDS");
        assertEquals(Optional.empty(), CodonEffects.codingCalls(seq, List.of(), 0, seq.length()));
        Call[] c = CodonEffects.codingCalls(seq, f, 1, 4).orElseThrow();
        assertEquals(12, c.length);
        assertEquals("M1M", at(c, 3, 'C', 1).change());
        assertEquals(Effect.NONCODING, at(c, 3, 'A', 0).effect());
    }

    @Test
    void reverseStrandJoinAndCodonStart() {
        // Coding strand (reverse complement of positions 2..10): CDS complement(join(2..4,7..10)), codon_start=2.
        // Forward bases 1..11: a T T C a a C A C A g.  Reverse of 7..10 = TGTG, then of 2..4 = GAA → "TGTGGAA".
        // codon_start 2 skips the first T: codons GTG GAA (V E).
        String seq = "aTTCaaCACAg";
        Feature f = cds(Strand.REVERSE, Map.of("codon_start", List.of("2"), "transl_table", List.of("11")),
                new long[] {7, 10}, new long[] {2, 4});
        Call[] c = CodonEffects.classify(seq, List.of(f), 0, seq.length());
        int n = seq.length();
        // Position 10 (index 9) is the skipped first coding base.
        assertEquals(Effect.NONCODING, at(c, n, 'C', 9).effect());
        // Position 9 (index 8) is codon 1 first base 'G' (complement of C). Forward C→A gives coding T: TTG = L.
        assertEquals("V1L", at(c, n, 'A', 8).change());
        // Position 2 (index 1), forward T, is the last coding base A of GAA; forward T→C gives coding G: GAG = E.
        assertEquals(Effect.SYNONYMOUS, at(c, n, 'C', 1).effect());
        assertEquals(2, at(c, n, 'C', 1).codon());
        // Index 4 and 5 (the intron) are not coding.
        assertEquals(Effect.NONCODING, at(c, n, 'G', 4).effect());
    }

    @Test
    void unsupportedTablesAndPartialCodonsAreUnknownAndBadQualifiersNamed() {
        String seq = "ATGTGGTA";
        Call[] c = CodonEffects.classify(seq, List.of(cds(Strand.FORWARD, Map.of("transl_table", List.of("2")),
                new long[] {1, 8})), 0, seq.length());
        assertEquals(Effect.UNKNOWN, at(c, 8, 'C', 0).effect());
        Call[] partial = CodonEffects.classify(seq, List.of(cds(Strand.FORWARD, Map.of(), new long[] {1, 8})),
                0, seq.length());
        assertEquals(Effect.START_KEPT, at(partial, 8, 'C', 0).effect());
        assertEquals(Effect.MISSENSE, at(partial, 8, 'C', 3).effect());       // TGG → CGG: W → R
        assertEquals(Effect.UNKNOWN, at(partial, 8, 'C', 7).effect());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CodonEffects.classify(seq,
                List.of(cds(Strand.FORWARD, Map.of("codon_start", List.of("x")), new long[] {1, 8})), 0, 8));
        assertEquals("feature CDS test: /codon_start=x is not a number", e.getMessage());
    }

    @Test
    void aGtgStartCodonGetsStartCategoriesUnderTable11() {
        // CDS 1..9 = GTG AAA TAA under table 11 (GTG starts; elsewhere it codes V).
        String seq = "GTGAAATAA";
        Feature f = cds(Strand.FORWARD, Map.of("transl_table", List.of("11")), new long[] {1, 9});
        Call[] c = CodonEffects.classify(seq, List.of(f), 0, seq.length());
        int n = seq.length();
        assertEquals(Effect.START_KEPT, at(c, n, 'A', 0).effect());            // GTG → ATG
        assertEquals("M1M", at(c, n, 'A', 0).change());
        assertEquals(Effect.START_KEPT, at(c, n, 'T', 0).effect());            // GTG → TTG
        assertEquals(Effect.START_KEPT, at(c, n, 'C', 0).effect());            // GTG → CTG, a table-11 start too
        assertEquals(Effect.START_LOST, at(c, n, 'A', 2).effect());            // GTG → GTA
        assertEquals(Effect.START_LOST, at(c, n, 'C', 1).effect());            // GTG → GCG
        assertEquals("M1?", at(c, n, 'C', 1).change());
        assertEquals(Effect.MISSENSE, at(c, n, 'C', 3).effect());              // AAA → CAA: K2Q, an ordinary codon
        // The same GTG on a 5'-partial CDS (<1..9) is an ordinary codon: V1A.
        Feature partial = new Feature("CDS", new Location(List.of(new Location.Span(1, 9, Strand.FORWARD, true,
                false)), Strand.FORWARD, false, "<1..9"), Map.of("transl_table", List.of("11")));
        Call[] p = CodonEffects.classify(seq, List.of(partial), 0, seq.length());
        assertEquals(Effect.MISSENSE, at(p, n, 'C', 1).effect());
        assertEquals("V1A", at(p, n, 'C', 1).change());
    }
}
