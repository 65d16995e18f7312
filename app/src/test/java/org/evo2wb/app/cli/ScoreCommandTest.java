package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.score.SequenceScore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evo2wb score} with the tiny golden model on the first 150 bases of three pPCP1 CDS records. */
class ScoreCommandTest {

    @TempDir
    static Path tmp;
    static Path input;
    static List<SequenceRecord> records;

    @BeforeAll
    static void input() throws Exception {
        records = Cli.cds().subList(0, 3);
        input = Cli.fasta(tmp.resolve("cds.fasta"), records, 150);
    }

    /** The engine's scores with the same options, the reference the files are checked against. */
    static List<SequenceScore> engine(boolean bos) throws Exception {
        try (StripedHyena m = Cli.loadTiny()) {
            return new Scorer(m, ScoringOptions.defaults().withBos(bos)).score(records.stream()
                    .map(r -> new Scorer.Input(r.id(), r.sequence().substring(0, 150))).toList());
        }
    }

    @Test
    void lowerCaseBasesAreUpperCasedUnlessKeepCaseIsGiven() throws Exception {
        String seq = records.get(0).sequence().substring(0, 120);
        Path lower = tmp.resolve("lower.fasta");
        Files.writeString(lower, ">soft\n" + seq.toLowerCase(Locale.ROOT) + "\n");
        List<SequenceScore> direct;
        try (StripedHyena m = Cli.loadTiny()) {
            direct = new Scorer(m, ScoringOptions.defaults()).score(List.of(new Scorer.Input("upper",
                    seq.toUpperCase(Locale.ROOT)), new Scorer.Input("lower", seq.toLowerCase(Locale.ROOT))));
        }
        for (boolean keep : new boolean[] {false, true}) {
            Path out = tmp.resolve("lower-" + keep + ".tsv");
            Cli.Run r = keep ? Cli.run("score", "--model", Cli.tinyModel(), "--input", lower, "--per-base", out,
                    "--keep-case") : Cli.run("score", "--model", Cli.tinyModel(), "--input", lower, "--per-base", out);
            assertEquals(0, r.exit(), r.toString());
            List<String> rows = Files.readAllLines(out);
            SequenceScore expected = direct.get(keep ? 1 : 0);
            assertEquals(120, rows.size());
            for (int j = 1; j < 120; j++) {
                assertEquals(String.format(Locale.ROOT, "%.6f", expected.logProbs()[j]), rows.get(j).split("\t")[3],
                        "keep-case " + keep + ", base " + (j + 1));
            }
        }
        assertTrue(direct.get(0).sum() != direct.get(1).sum(), "the model reads case");
    }

    @Test
    void perBaseTableBedGraphAndSummaryHoldTheEnginesScores() throws Exception {
        Path perBase = tmp.resolve("out/per-base.tsv");
        Path bed = tmp.resolve("out/track.bedgraph");
        Path summary = tmp.resolve("out/summary.tsv");
        Cli.Run r = Cli.run("score", "--model", Cli.tinyModel(), "--input", input, "--per-base", perBase,
                "--bedgraph", bed, "--summary", summary, "--device", "cpu");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("scored 3 records, 450 bases in "), r.out());

        List<SequenceScore> expected = engine(false);
        List<String> rows = Files.readAllLines(perBase);
        assertEquals("record\tposition\tbase\tlogprob", rows.get(0));
        assertEquals(1 + 3 * 149, rows.size(), "no row for the first base of each record without --bos");
        int line = 1;
        for (SequenceScore s : expected) {
            for (int j = 1; j < 150; j++) {
                String[] f = rows.get(line++).split("\t");
                assertEquals(s.id(), f[0]);
                assertEquals(j + 1, Integer.parseInt(f[1]));
                assertEquals(String.valueOf(s.sequence().charAt(j)), f[2]);
                assertEquals(String.format(Locale.ROOT, "%.6f", s.logProbs()[j]), f[3], s.id() + " base " + (j + 1));
            }
        }

        List<String> track = Files.readAllLines(bed);
        assertTrue(track.get(0).startsWith("track type=bedGraph"), track.get(0));
        assertEquals(1 + 3 * 149, track.size());
        String[] first = track.get(1).split("\t");
        assertEquals(List.of(records.get(0).id(), "1", "2"), List.of(first[0], first[1], first[2]),
                "base 2 (1-based) is the 0-based half-open interval [1, 2)");
        assertEquals(rows.get(1).split("\t")[3], first[3]);
        String[] last = track.get(track.size() - 1).split("\t");
        assertEquals(List.of(records.get(2).id(), "149", "150"), List.of(last[0], last[1], last[2]));

        List<String> sums = Files.readAllLines(summary);
        assertEquals(List.of("record", "length", "sum", "mean"), List.of(sums.get(0).split("\t")));
        assertEquals(4, sums.size());
        assertEquals(String.format(Locale.ROOT, "%s\t150\t%.6f\t%.6f", expected.get(1).id(), expected.get(1).sum(),
                expected.get(1).mean()), sums.get(2));
    }

    @Test
    void withBosEveryBaseHasARow() throws Exception {
        Path perBase = tmp.resolve("bos.tsv");
        Cli.Run r = Cli.run("score", "--model", Cli.tinyModel(), "--config", Cli.tinyConfig(), "--input", input,
                "--per-base", perBase, "--bos", "--device", "cpu");
        assertEquals(0, r.exit(), r.toString());
        List<String> rows = Files.readAllLines(perBase);
        assertEquals(1 + 3 * 150, rows.size());
        List<SequenceScore> expected = engine(true);
        String[] f = rows.get(1).split("\t");
        assertEquals("1", f[1]);
        assertEquals(String.format(Locale.ROOT, "%.6f", expected.get(0).logProbs()[0]), f[3]);
    }

    @Test
    void badInputGivesOneLineNamingTheProblemAndExitCodeOne() throws Exception {
        Path out = tmp.resolve("never.tsv");
        Path missing = tmp.resolve("missing.fasta");
        Cli.Run r = Cli.run("score", "--model", Cli.tinyModel(), "--input", missing, "--per-base", out);
        assertEquals(1, r.exit(), r.toString());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("evo2wb score: ") && r.err().contains(missing.toString()), r.err());

        Path notSequence = Files.writeString(tmp.resolve("table.fasta"), "gene\tscore\nabc\t1\n");
        r = Cli.run("score", "--model", Cli.tinyModel(), "--input", notSequence, "--per-base", out);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("table.fasta"), r.err());

        Path noConfig = Files.copy(Cli.tinyModel(), tmp.resolve("lonely.pt"));
        r = Cli.run("score", "--model", noConfig, "--input", input, "--per-base", out);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("lonely.pt: no config next to the weights"), r.err());

        r = Cli.run("score", "--model", Cli.tinyModel(), "--input", input, "--per-base", out, "--chunk", "100",
                "--overlap", "100");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("evo2wb score: --overlap must be between 1 and --chunk - 1 (99), got 100", r.err().trim());

        r = Cli.run("score", "--input", input, "--per-base", out);
        assertEquals(2, r.exit(), "a missing required option is a usage error");
        assertTrue(r.err().contains("--model"), r.err());
        assertTrue(Files.notExists(out));
    }

    @Test
    void theDefaultWindowIsTheModelsContextAndLongerWindowsWarn() throws Exception {
        String seq = String.join("", records.stream().map(SequenceRecord::sequence).toList()).substring(0, 700);
        Path in = Files.writeString(tmp.resolve("long.fasta"), ">long\n" + seq + "\n");
        Path yml = Files.writeString(tmp.resolve("context300.yml"), Files.readString(Cli.tinyConfig())
                .replace("max_seqlen: 8192", "max_seqlen: 300"));
        List<SequenceScore> expected;
        try (StripedHyena m = Cli.loadTiny()) {
            expected = new Scorer(m, ScoringOptions.defaults().withChunks(300, 75)).score(List.of(
                    new Scorer.Input("long", seq.toUpperCase(Locale.ROOT))));
        }
        Path out = tmp.resolve("context.tsv");
        Cli.Run r = Cli.run("score", "--model", Cli.tinyModel(), "--config", yml, "--input", in, "--per-base", out);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(!r.err().contains("warning"), r.err());
        List<String> rows = Files.readAllLines(out);
        for (int j = 1; j < 700; j++) {
            assertEquals(String.format(Locale.ROOT, "%.6f", expected.get(0).logProbs()[j]), rows.get(j).split("\t")[3],
                    "base " + (j + 1) + ": windows of 300 overlapping by 75");
        }

        // Any --chunk works with the default overlap (a quarter of it).
        r = Cli.run("score", "--model", Cli.tinyModel(), "--config", yml, "--input", in, "--per-base", out,
                "--chunk", "100");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(700, Files.readAllLines(out).size());

        // Beyond the context: scored, with a warning naming both lengths.
        r = Cli.run("score", "--model", Cli.tinyModel(), "--config", yml, "--input", in, "--per-base", out,
                "--chunk", "1024");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("evo2wb score: warning: tiny.pt was built or trained for 300 bases of context; "
                + "scoring with windows of 1,024 bases goes beyond it"), r.err());
    }
}
