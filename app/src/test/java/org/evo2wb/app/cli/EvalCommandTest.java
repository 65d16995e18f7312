package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.eval.MarkovBaseline;
import org.evo2wb.engine.eval.VariantEffect;
import org.evo2wb.engine.eval.VariantTable;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evo2wb eval markov} on pPCP1 CDS records and {@code eval vep} on a synthetic variant table. */
class EvalCommandTest {

    @TempDir
    Path tmp;

    @Test
    void markovPrintsBitsPerBaseOfEveryOrderAndTheBest() throws Exception {
        List<SequenceRecord> cds = Cli.cds();
        Path train = Cli.fasta(tmp.resolve("train.fasta"), cds.subList(0, 8), Integer.MAX_VALUE);
        Path val = Cli.fasta(tmp.resolve("val.fasta"), cds.subList(8, 10), Integer.MAX_VALUE);
        Cli.Run r = Cli.run("eval", "markov", "--train", train, "--val", val, "--min-k", "0", "--max-k", "4");
        assertEquals(0, r.exit(), r.toString());
        MarkovBaseline.Selection s = MarkovBaseline.selectOrder(
                cds.subList(0, 8).stream().map(SequenceRecord::sequence).toList(),
                cds.subList(8, 10).stream().map(SequenceRecord::sequence).toList(), 0, 4, 1);
        List<String> lines = r.out().lines().toList();
        assertEquals("order\tbits_per_base", lines.get(0));
        for (int k = 0; k <= 4; k++) {
            assertEquals(String.format(Locale.ROOT, "%d\t%.4f", k, s.bitsPerOrder()[k]), lines.get(1 + k));
        }
        assertEquals(String.format(Locale.ROOT, "best: order %d, %.4f bits/base over %,d validation bases",
                s.model().order(), s.score().bitsPerBase(), s.score().bases()), lines.get(6));
        assertTrue(s.score().bitsPerBase() < 2.0, "CDS are more predictable than coin flips");

        r = Cli.run("eval", "markov", "--train", train, "--val", val, "--max-k", "13");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("evo2wb eval markov: --min-k and --max-k must satisfy"), r.err());
    }

    @Test
    void vepPrintsTheAurocOfTheEnginesDeltasAndWritesOneRowPerVariant() throws Exception {
        Random rnd = new Random(5);
        StringBuilder g = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            g.append("ACGT".charAt(rnd.nextInt(4)));
        }
        String genome = g.toString();
        Path fasta = Files.writeString(tmp.resolve("region.fa"), ">chr9:5001-5200 test region\n" + genome + "\n");
        StringBuilder t = new StringBuilder("gene\tchrom\tpos_hg19\tref\talt\thgvs_c\tlabel_lof\n");
        int n = 0;
        for (int p : new int[] {5010, 5100, 5150, 5199}) {
            char ref = genome.charAt(p - 5001);
            for (char alt : "ACGT".toCharArray()) {
                if (alt != ref) {
                    t.append("X\t9\t").append(p).append('\t').append(ref).append('\t').append(alt).append("\tv")
                            .append(n).append('\t').append(n++ % 2).append('\n');
                }
            }
        }
        Path table = Files.writeString(tmp.resolve("variants.tsv"), t.toString());
        Path out = tmp.resolve("scores.tsv");
        Cli.Run r = Cli.run("eval", "vep", "--model", Cli.tinyModel(), "--variants", table, "--reference", fasta,
                "--window", "32", "--out", out, "--device", "cpu");
        assertEquals(0, r.exit(), r.toString());

        VariantEffect.Report expected;
        try (StripedHyena m = Cli.loadTiny()) {
            expected = VariantEffect.run(m, VariantTable.read(table, VariantTable.Columns.defaults()),
                    VariantEffect.readReference(fasta, null), new VariantEffect.Options(32, false, 1), d -> { },
                    () -> false);
        }
        assertEquals(expected.format() + "\nwindow 32 bases; per-variant scores in " + out + "\n", r.out());
        assertTrue(r.out().startsWith("12 variants (6 positive, 6 negative, 0 unlabelled), 4 reference windows; "
                + "AUROC of -delta: "), r.out());
        List<String> rows = Files.readAllLines(out);
        assertEquals(13, rows.size());
        assertTrue(rows.get(1).startsWith("2\tv0\t5010\t"), rows.get(1));

        char have = genome.charAt(5100 - 5001);
        char other = have == 'A' ? 'C' : 'A';
        char first = genome.charAt(9);
        Path wrong = Files.writeString(tmp.resolve("wrong-ref.tsv"), "gene\tchrom\tpos_hg19\tref\talt\thgvs_c\t"
                + "label_lof\nX\t9\t5010\t" + first + "\t" + (first == 'T' ? 'G' : 'T') + "\tv0\t1\n"
                + "X\t9\t5100\t" + other + "\tG\tv1\t0\n");
        r = Cli.run("eval", "vep", "--model", Cli.tinyModel(), "--variants", wrong, "--reference", fasta,
                "--reference-start", "5001", "--window", "32");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("evo2wb eval vep: " + wrong + ":3: the table's reference base at 5100 is " + other + " but the "
                + "reference sequence has " + have + "; check the reference's start coordinate", r.err().trim());
        r = Cli.run("eval", "vep", "--model", Cli.tinyModel(), "--variants", table, "--reference", fasta,
                "--label-column", "clinvar");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("no label column 'clinvar' in the header"), r.err());
    }
}
