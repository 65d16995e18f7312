package org.evo2wb.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Generation with the tiny golden model: greedy picks the full forward's most likely base, seeds reproduce. */
class GeneratorTest {

    static StripedHyena model;
    static String prompt;

    @BeforeAll
    static void load() throws Exception {
        model = TinyModel.load();
        prompt = TestDna.bases(150);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Generation generate(SamplingSettings s, int length, int samples) {
        return Generator.run(model, new GenerationRequest("gene", prompt, length, samples, s), (n, b) -> { },
                () -> false);
    }

    @Test
    void greedyPicksEachBaseAsTheFullForwardsMostLikely() {
        Generation g = generate(new SamplingSettings(0, 4, 1, 7), 300, 2);
        for (GeneratedSample s : g.samples()) {
            String whole = prompt + s.bases();
            float[][] full = IncrementalDecoderTest.fullLogits(model, TestDna.ids(whole));
            double ll = 0;
            for (int t = prompt.length(); t < whole.length(); t++) {
                float[] row = full[t - 1];
                int best = 'A';
                for (int b : Sampler.BASES) {
                    if (row[b] > row[best]) {
                        best = b;
                    }
                }
                assertEquals((char) best, whole.charAt(t), "base " + (t + 1) + " of " + whole.length());
                ll += Sampler.logProbability(row, whole.charAt(t));
            }
            assertEquals(ll / s.bases().length(), s.meanLogLikelihood(), 1e-4);
        }
        assertEquals(g.samples().get(0).bases(), g.samples().get(1).bases());
    }

    @Test
    void theSameSeedGivesTheSameSamplesAndAnotherSeedOthers() {
        SamplingSettings s = new SamplingSettings(1.0, 4, 1.0, 42);
        Generation a = generate(s, 200, 3);
        Generation b = generate(s, 200, 3);
        Generation c = generate(new SamplingSettings(1.0, 4, 1.0, 43), 200, 3);
        for (int i = 0; i < 3; i++) {
            String x = a.samples().get(i).bases();
            assertEquals(200, x.length());
            assertTrue(x.chars().allMatch(ch -> "ACGT".indexOf(ch) >= 0), x);
            assertEquals(x, b.samples().get(i).bases());
            assertNotEquals(x, c.samples().get(i).bases());
        }
        assertNotEquals(a.samples().get(0).bases(), a.samples().get(1).bases());
    }

    @Test
    void stoppingKeepsTheBasesGeneratedSoFar() {
        AtomicInteger seen = new AtomicInteger();
        Generation g = Generator.run(model, new GenerationRequest("gene", prompt, 100, 2, SamplingSettings.DEFAULTS),
                (n, b) -> seen.set(n), () -> seen.get() >= 17);
        assertTrue(g.stopped());
        g.samples().forEach(s -> assertEquals(17, s.bases().length()));
    }

    @Test
    void fastaHeadersCarryTheQcAndSettings() throws Exception {
        Generation g = generate(new SamplingSettings(0.7, 3, 0.9, 5), 130, 2);
        StringWriter w = new StringWriter();
        GenerationWriters.fasta(w, g);
        String[] lines = w.toString().split("\n");
        assertEquals(">gene_sample1 length=130 " + g.samples().get(0).qc().describe(), lines[0].substring(0,
                (">gene_sample1 length=130 " + g.samples().get(0).qc().describe()).length()));
        assertTrue(lines[0].endsWith("prompt_length=150 temperature=0.7 top_k=3 top_p=0.9 seed=5"), lines[0]);
        assertEquals(g.samples().get(0).bases(), lines[1] + lines[2] + lines[3]);
        assertEquals(60, lines[1].length());
        assertTrue(lines[4].startsWith(">gene_sample2 "), lines[4]);
        assertEquals(8, lines.length);
        assertTrue(Arrays.stream(lines).filter(l -> l.startsWith(">")).count() == 2);
    }
}
