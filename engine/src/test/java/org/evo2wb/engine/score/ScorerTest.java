package org.evo2wb.engine.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.evo2wb.bio.Iupac;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.evo2wb.engine.model.Evo2Config;
import org.evo2wb.engine.model.Precision;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.task.TaskStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScorerTest {

    /** Row 0 of tiny_ids begins with 50 bases ACGTACGT…AC. */
    private static final String PREFIX = "ACGT".repeat(12) + "AC";

    private static StripedHyena model;
    private static Map<String, HostTensor> ref;

    @BeforeAll
    static void load() throws Exception {
        model = StripedHyena.load(golden("tiny.pt"), Evo2Config.load(golden("tiny.yml")), Device.cpu(),
                Precision.FP32);
        ref = TorchCheckpoint.readTensors(golden("tiny_ref_f64.pt"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Path golden(String name) throws URISyntaxException {
        return Path.of(ScorerTest.class.getResource("/golden/" + name).toURI());
    }

    private static List<SequenceScore> score(ScoringOptions o, String... seqs) {
        List<Scorer.Input> in = new java.util.ArrayList<>();
        for (int i = 0; i < seqs.length; i++) {
            in.add(new Scorer.Input("s" + i, seqs[i]));
        }
        return new Scorer(model, o).score(in);
    }

    private static String randomDna(Random r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("ACGTacgtN".charAt(r.nextInt(i % 50 < 40 ? 4 : 9)));
        }
        return sb.toString();
    }

    @Test
    void perBaseLogProbsAndEntropiesMatchTheGolden() {
        SequenceScore s = score(ScoringOptions.defaults(), PREFIX).get(0);
        double[] want = ref.get("per_base_logprob_f64").toDoubleArray();       // (2, 299), row 0 first
        double[] logits = ref.get("logits_f64").toDoubleArray();                 // (2, 300, 512)
        assertTrue(Float.isNaN(s.logProbs()[0]), "first base is not scored without BOS");
        assertEquals(49, s.scored());
        double sum = 0;
        double maxErr = 0;
        double maxEntErr = 0;
        for (int j = 1; j < 50; j++) {
            maxErr = Math.max(maxErr, Math.abs(s.logProbs()[j] - want[j - 1]));
            sum += want[j - 1];
            maxEntErr = Math.max(maxEntErr, Math.abs(s.entropies()[j] - entropy(logits, (j - 1) * 512)));
        }
        System.out.printf("scorer vs golden: max |dlogprob| %.3g, max |dentropy| %.3g%n", maxErr, maxEntErr);
        assertTrue(maxErr <= 1e-3, "log-prob error " + maxErr);
        assertTrue(maxEntErr <= 1e-3, "entropy error " + maxEntErr);
        assertEquals(sum, s.forwardSum(), 1e-3);
        assertEquals(sum / 49, s.mean(), 1e-4);
    }

    private static double entropy(double[] logits, int off) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < 512; v++) {
            max = Math.max(max, logits[off + v]);
        }
        double z = 0;
        for (int v = 0; v < 512; v++) {
            z += Math.exp(logits[off + v] - max);
        }
        double h = 0;
        for (int v = 0; v < 512; v++) {
            double lp = logits[off + v] - max - Math.log(z);
            h -= Math.exp(lp) * lp;
        }
        return h;
    }

    @Test
    void bosScoresTheFirstBase() {
        SequenceScore s = score(ScoringOptions.defaults().withBos(true), PREFIX).get(0);
        assertEquals(50, s.scored());
        for (float v : s.logProbs()) {
            assertTrue(v < 0 && Float.isFinite(v));
        }
    }

    @Test
    void aSequenceScoredAloneEqualsTheSameSequenceInAPaddedBatch() {
        Random r = new Random(7);
        String[] seqs = {randomDna(r, 37), randomDna(r, 300), randomDna(r, 151), randomDna(r, 2)};
        for (boolean bos : new boolean[] {false, true}) {
            ScoringOptions o = ScoringOptions.defaults().withBos(bos);
            List<SequenceScore> batched = score(o.withBatchSize(4), seqs);
            double maxDiff = 0;
            for (int i = 0; i < seqs.length; i++) {
                SequenceScore alone = score(o.withBatchSize(1), seqs[i]).get(0);
                SequenceScore b = batched.get(i);
                assertEquals(seqs[i].length() - (bos ? 0 : 1), b.scored());
                for (int j = 0; j < seqs[i].length(); j++) {
                    assertEquals(Float.isNaN(alone.logProbs()[j]), Float.isNaN(b.logProbs()[j]));
                    if (!Float.isNaN(alone.logProbs()[j])) {
                        maxDiff = Math.max(maxDiff, Math.abs(alone.logProbs()[j] - b.logProbs()[j]));
                        maxDiff = Math.max(maxDiff, Math.abs(alone.entropies()[j] - b.entropies()[j]));
                    }
                }
                assertEquals(alone.forwardSum(), b.forwardSum(), 1e-3);
            }
            System.out.printf("alone vs padded batch (bos=%s): max |d| %.3g%n", bos, maxDiff);
            // fp32 round-off only: the FFT length follows the padded length, so sums are ordered differently
            assertTrue(maxDiff <= 1e-4, "padded batch differs by " + maxDiff);
        }
    }

    @Test
    void chunkedEqualsUnchunkedWhenTheChunkCoversTheSequenceAndIsCloseOtherwise() {
        String seq = randomDna(new Random(11), 300);
        SequenceScore full = score(ScoringOptions.defaults().withBatchSize(1), seq).get(0);
        SequenceScore exact = score(ScoringOptions.defaults().withBatchSize(1).withChunks(300, 10), seq).get(0);
        assertTrue(java.util.Arrays.equals(full.logProbs(), exact.logProbs()), "one window = unchunked");
        // The tiny random model leans hard on distant context (undecayed attention, slow hcl modes), so windows
        // change single positions by several nats; what must hold: the first window is untouched, more overlap
        // brings every later position closer, and the sequence mean stays within 1 %.
        double previous = Double.POSITIVE_INFINITY;
        for (int overlap : new int[] {16, 64, 128}) {
            SequenceScore c = score(ScoringOptions.defaults().withChunks(160, overlap), seq).get(0);
            assertEquals(full.scored(), c.scored());
            double meanAbs = 0;
            for (int j = 1; j < 300; j++) {
                double d = Math.abs(full.logProbs()[j] - c.logProbs()[j]);
                meanAbs += d / 299;
                if (j < 160) {
                    assertEquals(0, d, 1e-4, "base " + j + " lies in the first window");
                }
            }
            System.out.printf("chunks C=160 O=%d vs full, 300 bases: mean |d| %.3f nats, mean %.4f vs %.4f%n",
                    overlap, meanAbs, c.mean(), full.mean());
            assertTrue(meanAbs < previous, "more overlap must bring the scores closer");
            assertEquals(full.mean(), c.mean(), 0.01 * Math.abs(full.mean()));
            previous = meanAbs;
        }
    }

    @Test
    void progressMovesBlockByBlockInsideOneForwardPass() {
        String seq = randomDna(new Random(5), 300);
        List<Long> seen = new java.util.ArrayList<>();
        new Scorer(model, ScoringOptions.defaults()).score(List.of(new Scorer.Input("one", seq)), seen::add,
                () -> false);
        int blocks = model.blockCount();
        // One window of 300 tokens in one batch: a report after each block (k/(blocks+1) of it), then the end.
        assertEquals(blocks + 1, seen.size(), seen.toString());
        for (int k = 1; k <= blocks; k++) {
            assertEquals(300L * k / (blocks + 1), seen.get(k - 1));
        }
        assertEquals(300L, seen.get(blocks));
    }

    @Test
    void anyChunkWorksWithItsDefaultOverlap() {
        String seq = randomDna(new Random(12), 300);
        for (int chunk : new int[] {2, 3, 64, 160, 1024, 8192}) {
            ScoringOptions o = ScoringOptions.defaults().withChunk(chunk);
            assertEquals(Math.max(1, Math.min(1024, chunk / 4)), o.chunkOverlap(), "chunk " + chunk);
            assertEquals(299, score(o, seq).get(0).scored(), "chunk " + chunk);
        }
        assertEquals(1024, ScoringOptions.defaults().withChunk(8192).chunkOverlap());
        assertEquals(256, ScoringOptions.defaults().withChunk(1024).chunkOverlap());
    }

    @Test
    void reverseComplementAveraging() {
        String seq = randomDna(new Random(3), 120);
        SequenceScore both = score(ScoringOptions.defaults().withReverseComplement(true), seq).get(0);
        SequenceScore fwd = score(ScoringOptions.defaults(), seq).get(0);
        SequenceScore rev = score(ScoringOptions.defaults(), Iupac.reverseComplement(seq)).get(0);
        assertEquals(fwd.forwardSum(), both.forwardSum(), 1e-4);
        assertEquals(rev.forwardSum(), both.reverseSum(), 1e-4);
        assertEquals((fwd.forwardSum() + rev.forwardSum()) / 2, both.sum(), 1e-4);
        assertEquals(both.sum() / 119, both.mean(), 1e-6);
    }

    @Test
    void writers() throws Exception {
        List<SequenceScore> s = score(ScoringOptions.defaults(), "ACGTA", "GG");
        StringWriter tsv = new StringWriter();
        ScoreWriters.perBaseTsv(tsv, s, false);
        String[] lines = tsv.toString().split("\n");
        assertEquals("record\tposition\tbase\tlogprob", lines[0]);
        assertEquals(1 + 4 + 1, lines.length);
        assertTrue(lines[1].startsWith("s0\t2\tC\t-"), lines[1]);
        assertTrue(lines[5].startsWith("s1\t2\tG\t-"), lines[5]);
        StringWriter bg = new StringWriter();
        ScoreWriters.bedGraph(bg, s, "evo2");
        String[] b = bg.toString().split("\n");
        assertTrue(b[0].startsWith("track type=bedGraph"));
        assertTrue(b[1].startsWith("s0\t1\t2\t-"), b[1]);
        assertEquals(lines[1].split("\t")[3], b[1].split("\t")[3]);
        StringWriter sum = new StringWriter();
        ScoreWriters.summaryTsv(sum, s);
        String[] sl = sum.toString().split("\n");
        assertEquals("record\tlength\tsum\tmean", sl[0]);
        assertTrue(sl[1].startsWith("s0\t5\t-"), sl[1]);
    }

    @Test
    void taskReportsProgressAndCanBeCancelled() throws Exception {
        List<Scorer.Input> in = List.of(new Scorer.Input("a", PREFIX), new Scorer.Input("b", PREFIX + "TT"));
        ScoringTask task = new ScoringTask(model, in, ScoringOptions.defaults().withBatchSize(1));
        Thread t = new Thread(task::run);                   // a fresh thread starts with grad mode on
        t.start();
        t.join();
        assertEquals(TaskStatus.FINISHED, task.status(), task.message());
        assertEquals(102, task.total());
        assertEquals(task.total(), task.done());
        assertEquals(2, task.result().get().size());
        ScoringTask cancelled = new ScoringTask(model, in, ScoringOptions.defaults());
        cancelled.cancel();
        cancelled.run();
        assertEquals(TaskStatus.CANCELLED, cancelled.status());
        assertTrue(cancelled.result().isCompletedExceptionally());
    }

    @Test
    void nonAsciiInputIsRejectedWithRecordAndPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> score(ScoringOptions.defaults(), "ACGTé"));
        assertTrue(e.getMessage().contains("'s0'") && e.getMessage().contains("position 5"), e.getMessage());
    }

    @Test
    void reverseComplementAveragingNamesALetterWithoutAComplement() {
        assertEquals(1, score(ScoringOptions.defaults(), "ACGT*ACGT").size(), "the forward strand alone scores it");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> score(ScoringOptions.defaults().withReverseComplement(true), "ACGTN", "ACGT*ACGT"));
        assertEquals("record 's1': character '*' at position 5 is not a nucleotide code, so the record has no "
                + "reverse complement to average with", e.getMessage());
    }
}
