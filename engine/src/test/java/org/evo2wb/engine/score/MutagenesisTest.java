package org.evo2wb.engine.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Saturation mutagenesis on the tiny golden model, checked against scoring each mutated window directly. */
class MutagenesisTest {

    private static final String SEQ = SelfTest.pseudoRandom(300, 42, "ACGT") + "NNACGTacgt"
            + SelfTest.pseudoRandom(90, 43, "ACGT");

    private static StripedHyena model;

    @BeforeAll
    static void load() throws Exception {
        model = StripedHyena.load(ScorerTest.golden("tiny.pt"), Evo2Config.load(ScorerTest.golden("tiny.yml")),
                Device.cpu(), Precision.FP32);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static double windowSum(String window, ScoringOptions o) {
        return new Scorer(model, o).score(List.of(new Scorer.Input("w", window))).get(0).forwardSum();
    }

    @Test
    void optionsAreWidenedOnlyWhenTheWindowNeedsIt() {
        Mutagenesis.Region region = new Mutagenesis.Region("seq", SEQ, 100, 200, 50);
        ScoringOptions wide = ScoringOptions.defaults();
        assertEquals(wide, Mutagenesis.fitting(region, wide));
        ScoringOptions narrow = ScoringOptions.defaults().withChunks(64, 16).withBos(true);
        ScoringOptions fitted = Mutagenesis.fitting(region, narrow);
        assertEquals(201, fitted.chunkLength(), "200 bases of window and BOS");
        assertEquals(16, fitted.chunkOverlap());
        assertTrue(fitted.prependBos());
        assertEquals(narrow.batchSize(), fitted.batchSize());
    }

    @Test
    void cellsEqualTheDifferenceOfTwoDirectlyScoredWindows() {
        ScoringOptions o = ScoringOptions.defaults().withBatchSize(5);
        Mutagenesis.Region region = new Mutagenesis.Region("seq", SEQ, 120, 128, 40);
        AtomicLong progress = new AtomicLong();
        Mutagenesis.Result r = new Mutagenesis(model, o).run(region, progress::set, () -> false);
        assertEquals(24, progress.get());
        assertEquals(24, Mutagenesis.plannedVariants(region));
        assertEquals(80, r.windowStart());
        assertEquals(168, r.windowEnd());
        assertEquals(8, r.length());
        assertEquals(32, r.deltas().length);
        String window = SEQ.substring(80, 168);
        double ref = windowSum(window, o);
        assertEquals(ref, r.referenceLogLikelihood(), 1e-3);
        double maxErr = 0;
        for (int i = 0; i < 8; i++) {
            int refIndex = r.referenceIndex(i);
            assertEquals(Mutagenesis.baseIndex(SEQ.charAt(120 + i)), refIndex);
            assertEquals(0.0, r.delta(refIndex, i));
            for (int b = 0; b < 4; b++) {
                if (b == refIndex || (b + i) % 3 != 0) {
                    continue;                                 // one or two substitutions per position, to stay quick
                }
                char[] w = window.toCharArray();
                w[40 + i] = Mutagenesis.BASES.charAt(b);
                double direct = windowSum(new String(w), o) - ref;
                maxErr = Math.max(maxErr, Math.abs(direct - r.delta(b, i)));
            }
        }
        System.out.printf("mutagenesis vs direct scoring: max |dDelta| %.3g nats%n", maxErr);
        assertTrue(maxErr < 1e-3, "max deviation " + maxErr);
        // A random model still tells substitutions apart.
        assertTrue(java.util.Arrays.stream(r.deltas()).map(Math::abs).max().orElseThrow() > 0.1);
    }

    @Test
    void ambiguousBasesGetFourSubstitutionsAndCaseIsKept() {
        ScoringOptions o = ScoringOptions.defaults().withBos(true).withBatchSize(8);
        // Region: "NNACGTacgt" at 300..310, no context, BOS on so the first base is scored too.
        Mutagenesis.Region region = new Mutagenesis.Region("seq", SEQ, 300, 310, 0);
        assertEquals(4 + 4 + 8 * 3, Mutagenesis.plannedVariants(region));
        Mutagenesis.Result r = new Mutagenesis(model, o).run(region);
        assertEquals(-1, r.referenceIndex(0));
        double ref = windowSum("NNACGTacgt", o);
        // Lower-case reference 'c' (index 7) replaced by 'a', not 'A'.
        double direct = windowSum("NNACGTaagt", o) - ref;
        assertEquals(direct, r.delta(0, 7), 1e-3);
        double n0 = windowSum("CNACGTacgt", o) - ref;
        assertEquals(n0, r.delta(1, 0), 1e-3);
    }

    @Test
    void tsvListsThreeRowsPerBaseWithCodonCalls() throws Exception {
        String cds = "ATGTGGTAA";                                        // M W *
        String seq = "CC" + cds + "GG";
        var feature = new org.evo2wb.bio.Feature("CDS", new org.evo2wb.bio.Location(List.of(
                new org.evo2wb.bio.Location.Span(3, 11, org.evo2wb.bio.Strand.FORWARD, false, false)),
                org.evo2wb.bio.Strand.FORWARD, false, "3..11"), java.util.Map.of("gene", List.of("tst")));
        Mutagenesis.Region region = new Mutagenesis.Region("toy", seq, 2, 11, 2);
        Mutagenesis.Result r = new Mutagenesis(model, ScoringOptions.defaults()).run(region);
        CodonEffects.Call[] calls = CodonEffects.classify(seq, List.of(feature), 2, 11);
        StringWriter w = new StringWriter();
        Mutagenesis.writeTsv(w, r, calls);
        List<String> lines = w.toString().lines().toList();
        assertEquals("record\tposition\tref\talt\tdelta_loglik\teffect\tcds\tcodon\taa_change", lines.get(2));
        assertEquals(3 + 27, lines.size());
        // TGG (W) at codon 2: G→A at its third base (position 8) gives TGA, a stop.
        String row = lines.stream().filter(l -> l.startsWith("toy\t8\tG\tA\t")).findFirst().orElseThrow();
        assertTrue(row.endsWith("\tstop_gained\ttst\t2\tW2*"), row);
        assertTrue(row.contains(String.format(java.util.Locale.ROOT, "%.6f", r.delta(0, 5))), row);
    }

    @Test
    void cancellationStopsBetweenBatchesAndBadRegionsAreNamed() {
        Mutagenesis m = new Mutagenesis(model, ScoringOptions.defaults().withBatchSize(2));
        Mutagenesis.Region region = new Mutagenesis.Region("seq", SEQ, 0, 50, 0);
        AtomicLong calls = new AtomicLong();
        assertThrows(CancellationException.class, () -> m.run(region, d -> { }, () -> calls.incrementAndGet() > 3));
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> new Mutagenesis.Region("chr7", "A".repeat(5000), 0, 2000, 10));
        assertTrue(big.getMessage().contains("chr7") && big.getMessage().contains("1024"), big.getMessage());
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> new Mutagenesis.Region("chr7", "ACGT", 2, 9, 0));
        assertTrue(outside.getMessage().contains("3..9"), outside.getMessage());
        Mutagenesis small = new Mutagenesis(model, ScoringOptions.defaults().withChunks(64, 8));
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
                () -> small.run(new Mutagenesis.Region("chr7", SEQ, 100, 110, 40)));
        assertTrue(window.getMessage().contains("90 tokens"), window.getMessage());
    }
}
