package org.evo2wb.engine.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny model's stored self-test ({@code golden/tiny_selftest.tsv}, written by {@code SelfTest.main} from
 * tiny.pt and tiny.yml) passes, is anchored to the float64 reference, and fails when an expectation is moved.
 */
class SelfTestTest {

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

    @Test
    void storedSelfTestPassesAndItsFirstCaseMatchesTheFloat64Reference() throws Exception {
        List<SelfTest.Case> cases = SelfTest.read(ScorerTest.golden("tiny_selftest.tsv"));
        assertEquals(SelfTest.standardSequences().stream().map(Scorer.Input::sequence).toList(),
                cases.stream().map(SelfTest.Case::sequence).toList());
        SelfTest.Report report = SelfTest.run(model, cases, d -> { }, () -> false);
        System.out.println("tiny self-test: " + report.summary());
        assertTrue(report.passed(), report.summary());
        assertTrue(report.maxDeviation() < 1e-5, report.summary());

        // acgt-prefix is row 0, bases 0..49, of tiny_ids: its mean is the mean of the float64 per-base log-probs.
        double[] ref = TorchCheckpoint.readTensors(ScorerTest.golden("tiny_ref_f64.pt"))
                .get("per_base_logprob_f64").toDoubleArray();
        double sum = 0;
        for (int t = 0; t < 49; t++) {
            sum += ref[t];
        }
        assertEquals("acgt-prefix", cases.get(0).id());
        assertEquals(sum / 49, cases.get(0).expectedMean(), 1e-4);
    }

    @Test
    void aMovedExpectationFailsWithItsDeviation(@TempDir Path dir) throws Exception {
        List<SelfTest.Case> cases = SelfTest.read(ScorerTest.golden("tiny_selftest.tsv"));
        SelfTest.Case c = cases.get(2);
        List<SelfTest.Case> moved = new java.util.ArrayList<>(cases);
        moved.set(2, new SelfTest.Case(c.id(), c.sequence(), c.expectedMean() + 0.01, c.tolerance()));
        Path file = dir.resolve("selftest.tsv");
        SelfTest.write(file, "moved", moved);
        SelfTest.Report report = SelfTest.run(model, SelfTest.read(file), d -> { }, () -> false);
        assertFalse(report.passed());
        assertEquals(1, report.failures());
        assertEquals(0.01, report.maxDeviation(), 1e-5);
        assertFalse(report.outcomes().get(2).passed());
        assertTrue(report.summary().startsWith("FAILED: 5 of 6"), report.summary());
        String[] lines = report.describe("selftest.tsv").split("\\R");
        assertEquals(7, lines.length);
        assertTrue(lines[0].startsWith("Self-test FAILED: 5 of 6 sequences within tolerance; max deviation 0.010"),
                lines[0]);
        assertTrue(lines[0].endsWith(" nats (selftest.tsv)"), lines[0]);
        assertTrue(lines[3].startsWith("FAIL  " + c.id()), lines[3]);
        assertTrue(lines[1].startsWith("ok    " + cases.get(0).id()), lines[1]);
    }

    @Test
    void generateWriteReadRoundTrip(@TempDir Path dir) throws Exception {
        List<SelfTest.Case> made = SelfTest.generate(model, SelfTest.standardSequences().subList(0, 2), 0.5);
        Path file = dir.resolve("x.tsv");
        SelfTest.write(file, "tiny", made);
        List<SelfTest.Case> back = SelfTest.read(file);
        assertEquals(2, back.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(made.get(i).sequence(), back.get(i).sequence());
            assertEquals(made.get(i).expectedMean(), back.get(i).expectedMean(), 1e-8);
            assertEquals(0.5, back.get(i).tolerance());
        }
        assertEquals(2450, SelfTest.standardSequences().stream().mapToInt(s -> s.sequence().length()).sum());
    }

    @Test
    void malformedFilesAreNamedWithLineAndField(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.tsv");
        Files.writeString(f, "# c\nid\tsequence\texpected_mean_logprob\ttolerance\na\tACGT\t-1.2\t0.001\nb\tACGT\tx\t0.1\n");
        IOException e = assertThrows(IOException.class, () -> SelfTest.read(f));
        assertEquals(f + ", line 4, case 'b', field expected_mean_logprob: 'x' is not a number", e.getMessage());
        Files.writeString(f, "id\tseq\n");
        e = assertThrows(IOException.class, () -> SelfTest.read(f));
        assertTrue(e.getMessage().startsWith(f + ", line 1: expected the header"), e.getMessage());
        Files.writeString(f, "id\tsequence\texpected_mean_logprob\ttolerance\na\tACGT\t-1\n");
        e = assertThrows(IOException.class, () -> SelfTest.read(f));
        assertEquals(f + ", line 2: expected 4 tab-separated fields, found 3", e.getMessage());
    }
}
