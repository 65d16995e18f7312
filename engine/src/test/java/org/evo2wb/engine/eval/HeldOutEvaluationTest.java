package org.evo2wb.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.score.SequenceScore;
import org.junit.jupiter.api.Test;

/**
 * Held-out comparison of a model with the Markov baseline, on the ten Yersinia pestis pPCP1 CDS records
 * (biopython_NC_005816.ffn.gz) and the tiny golden Evo 2 model.
 */
class HeldOutEvaluationTest {

    static String random(int n, long seed) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append("ACGT".charAt(r.nextInt(4)));
        }
        return b.toString();
    }

    @Test
    void segmentsAreSpreadOverRecordsByLengthAndSkipGaps() {
        String a = random(10_000, 1).toLowerCase();
        String b = random(5_000, 2);
        String shortOne = random(80, 3);
        List<String> segs = HeldOutEvaluation.segments(List.of(a, b, shortOne), 100, 30);
        assertEquals(30, segs.size());
        assertEquals(a.substring(0, 100).toUpperCase(), segs.get(0), "first segment at the record start, upper case");
        assertEquals(a.substring(9_900).toUpperCase(), segs.get(19), "last of 20 segments ends at the record end");
        assertEquals(b.substring(0, 100), segs.get(20));
        assertEquals(b.substring(4_900), segs.get(29));
        assertEquals(segs, HeldOutEvaluation.segments(List.of(a, b, shortOne), 100, 30), "deterministic");

        // a gap of N covering the middle of the record: segments with more than 10 % N are dropped
        String gapped = random(1_000, 4) + "N".repeat(1_000) + random(1_000, 5);
        List<String> g = HeldOutEvaluation.segments(List.of(gapped), 100, 21);
        assertTrue(g.size() < 21 && g.size() >= 13, "kept " + g.size());
        for (String s : g) {
            assertTrue(s.chars().filter(c -> c == 'N').count() <= 10, s);
        }
        assertTrue(HeldOutEvaluation.segments(List.of(shortOne), 100, 5).isEmpty());
    }

    @Test
    void markovPerPositionScoresAddUpToItsBitsPerBase() {
        List<String> train = List.of(random(20_000, 6));
        String val = random(500, 7) + "NN" + random(300, 8);
        MarkovBaseline m = MarkovBaseline.fit(train, 3, 0.5);
        double[] p = m.log2Probs(val);
        double sum = 0;
        int n = 0;
        for (int t = 0; t < p.length; t++) {
            if (!Double.isNaN(p[t])) {
                sum -= p[t];
                n++;
            }
        }
        assertEquals(500 - 3 + 300 - 3, n, "positions with a full ACGT context");
        assertTrue(Double.isNaN(p[2]) && !Double.isNaN(p[3]) && Double.isNaN(p[503]) && Double.isNaN(p[504]));
        MarkovBaseline.Score s = m.bitsPerBase(List.of(val));
        assertEquals(s.bases(), n);
        assertEquals(s.bitsPerBase(), sum / n, 1e-12);
    }

    @Test
    void modelAndMarkovAreScoredOnTheSameBases() throws Exception {
        List<String> records = HeldOutEvaluation.readSequences(
                List.of(TinyModel.resource("data/biopython_NC_005816.ffn.gz")));
        assertEquals(10, records.size());
        List<String> train = records.subList(0, 7);
        List<String> validation = records.subList(7, 10);
        HeldOutEvaluation.Options o = new HeldOutEvaluation.Options(96, 12, 1, 4, List.of(0.5, 1.0), 3);
        try (StripedHyena model = TinyModel.load()) {
            HeldOutEvaluation.Result r = HeldOutEvaluation.run(model, train, validation, o, x -> { }, () -> false);
            List<String> segs = HeldOutEvaluation.segments(validation, 96, 12);
            assertEquals(segs.size(), r.segments());
            int k = r.markovOrder();
            assertEquals((long) segs.size() * (96 - k), r.bases(), "every base after the first k of each segment");

            // the Markov figure is the chosen model's bits per base on the segments
            MarkovBaseline m = MarkovBaseline.fit(train, k, r.markovAlpha());
            assertEquals(m.bitsPerBase(segs).bitsPerBase(), r.markovBitsPerBase(), 1e-9);
            double bestOther = Double.POSITIVE_INFINITY;
            for (double alpha : o.alphas()) {
                for (int order = 1; order <= 4; order++) {
                    bestOther = Math.min(bestOther, MarkovBaseline.fit(train, order, alpha).bitsPerBase(segs)
                            .bitsPerBase());
                }
            }
            assertEquals(bestOther, r.markovBitsPerBase(), 1e-9, "the best (k, alpha) is kept");

            // the model figure is the scorer's log-likelihood of the same bases, one segment at a time
            List<Scorer.Input> in = new ArrayList<>();
            for (String s : segs) {
                in.add(new Scorer.Input("s", s));
            }
            List<SequenceScore> scores = new Scorer(model, ScoringOptions.defaults().withBatchSize(1)).score(in);
            double sum = 0;
            for (SequenceScore s : scores) {
                for (int t = k; t < s.length(); t++) {
                    sum -= s.logProbs()[t] / Math.log(2);
                }
            }
            assertEquals(sum / r.bases(), r.modelBitsPerBase(), 1e-4);
            assertEquals(r.markovBitsPerBase() - r.modelBitsPerBase(), r.gain(), 1e-12);
            assertTrue(r.format().contains("Markov order " + k), r.format());
        }
    }

    @Test
    void refusesValidationWithoutUsableSegments() throws Exception {
        try (StripedHyena model = TinyModel.load()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeldOutEvaluation.run(
                    model, List.of(random(1000, 9)), List.of("N".repeat(500)),
                    new HeldOutEvaluation.Options(100, 4, 0, 2, List.of(1.0), 2), x -> { }, () -> false));
            assertTrue(e.getMessage().contains("no segment of 100 bases"), e.getMessage());
        }
    }
}
