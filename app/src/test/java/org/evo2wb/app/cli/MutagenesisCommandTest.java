package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.evo2wb.app.TestData;
import org.evo2wb.bio.SequenceFiles;
import org.evo2wb.bio.SequenceRecord;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.score.SequenceScore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evo2wb mutagenesis} with the tiny golden model on Yersinia pestis pPCP1 (GenBank): the region 2915-2954
 * holds the last 10 bases before the rop CDS (2925..3119, table 11) and its first ten codons
 * {@code GTG AAC AAA CAA CAA CAA ACT GCG CTG AAT}.
 */
class MutagenesisCommandTest {

    private static final int START = 2915;
    private static final int END = 2954;
    private static final int CONTEXT = 30;

    @TempDir
    Path tmp;

    @Test
    void everyCellIsTheDifferenceOfTwoDirectScoresAndCodingCellsCarryTheirCodon() throws Exception {
        Path out = tmp.resolve("out/rop.tsv");
        Cli.Run r = Cli.run("mutagenesis", "--model", Cli.tinyModel(), "--input", TestData.pPCP1(), "--record",
                "NC_005816.1", "--region", START + "-" + END, "--context", CONTEXT, "--device", "cpu", "--out", out);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("NC_005816.1:2915-2954: 120 substitutions scored in a 100-base window"),
                r.out());
        assertTrue(r.out().contains("codon effects from the CDS features"), r.out());

        List<String> lines = Files.readAllLines(out);
        assertEquals("# saturation mutagenesis of NC_005816.1:2915-2954, scored window 2885-2984", lines.get(0));
        assertEquals("record\tposition\tref\talt\tdelta_loglik\teffect\tcds\tcodon\taa_change", lines.get(2));
        assertEquals(3 + 3 * (END - START + 1), lines.size());
        Map<String, String[]> rows = new HashMap<>();
        for (String line : lines.subList(3, lines.size())) {
            String[] f = line.split("\t", -1);
            rows.put(f[1] + f[3], f);
        }

        // Δ = forwardSum(window with the substitution) - forwardSum(window), each scored on its own by the Scorer.
        String seq = SequenceFiles.read(TestData.pPCP1()).get(0).sequence().toUpperCase(java.util.Locale.ROOT);
        String window = seq.substring(START - 1 - CONTEXT, END + CONTEXT);
        double refLl = Double.parseDouble(lines.get(1).replaceFirst("^# reference window log-likelihood (\\S+) "
                + "nats$", "$1"));
        int checked = 0;
        double worst = 0;
        try (StripedHyena m = Cli.loadTiny()) {
            Scorer scorer = new Scorer(m, ScoringOptions.defaults());
            double reference = scorer.score(List.of(new Scorer.Input("ref", window))).get(0).forwardSum();
            assertEquals(reference, refLl, 1e-4, "the reference window's log-likelihood in the header");
            for (int pos : new int[] {START, 2925, 2934, 2940, END}) {
                int i = pos - (START - CONTEXT);
                char ref = window.charAt(i);
                for (char alt : "ACGT".toCharArray()) {
                    if (alt == Character.toUpperCase(ref)) {
                        continue;
                    }
                    char sub = Character.isLowerCase(ref) ? Character.toLowerCase(alt) : alt;
                    String mutated = window.substring(0, i) + sub + window.substring(i + 1);
                    SequenceScore s = scorer.score(List.of(new Scorer.Input("alt", mutated))).get(0);
                    String[] row = rows.get(pos + "" + alt);
                    assertEquals(String.valueOf(ref), row[2]);
                    double direct = s.forwardSum() - reference;
                    assertEquals(direct, Double.parseDouble(row[4]), 1e-5, "position " + pos + " " + ref + ">" + alt);
                    worst = Math.max(worst, Math.abs(direct - Double.parseDouble(row[4])));
                    checked++;
                }
            }
        }
        assertEquals(15, checked);
        System.out.printf(java.util.Locale.ROOT, "mutagenesis: largest |delta - direct difference| %.2e nats over "
                + "%d cells (reference window %.2f nats)%n", worst, checked, refLl);

        assertEquals(List.of("noncoding", "", "", ""), cols(rows.get(START + "A")));
        // The first codon, GTG, is the start codon (table 11): substitutions keep or lose the start, not V1.
        assertEquals(List.of("start_kept", "1", "M1M"), List.of(rows.get("2925A")[5], rows.get("2925A")[7],
                rows.get("2925A")[8]), "GTG to ATG");
        assertEquals(List.of("start_lost", "1", "M1?"), List.of(rows.get("2927A")[5], rows.get("2927A")[7],
                rows.get("2927A")[8]), "GTA is no start codon");
        assertEquals(List.of("stop_gained", "4", "Q4*"), List.of(rows.get("2934T")[5], rows.get("2934T")[7],
                rows.get("2934T")[8]), "CAA to TAA");
        assertTrue(rows.get("2925A")[6].contains("rop"), rows.get("2925A")[6]);
    }

    private static List<String> cols(String[] row) {
        return List.of(row[5], row[6], row[7], row[8]);
    }

    @Test
    void withoutOutTheTableGoesToStdoutAndAFastaRecordHasNoCodonColumns() throws Exception {
        List<SequenceRecord> cds = Cli.cds().subList(0, 1);
        Path fasta = Cli.fasta(tmp.resolve("one.fasta"), cds, 60);
        Cli.Run r = Cli.run("mutagenesis", "--model", Cli.tinyModel(), "--input", fasta, "--region", "11-15",
                "--context", "5", "--device", "cpu");
        assertEquals(0, r.exit(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals("# saturation mutagenesis of " + cds.get(0).id() + ":11-15, scored window 6-20", lines.get(0));
        assertEquals("record\tposition\tref\talt\tdelta_loglik", lines.get(2));
        assertEquals(3 + 15, lines.size());
        assertTrue(r.err().contains(": 15 substitutions scored in a 15-base window"), r.err());
        assertTrue(r.err().contains("no CDS covers the region"), r.err());
    }

    @Test
    void keepCaseScoresTheLowerCaseOfAGenBankRecord() {
        Cli.Run upper = Cli.run("mutagenesis", "--model", Cli.tinyModel(), "--input", TestData.pPCP1(), "--region",
                "2925-2926", "--context", "10", "--device", "cpu");
        Cli.Run lower = Cli.run("mutagenesis", "--model", Cli.tinyModel(), "--input", TestData.pPCP1(), "--region",
                "2925-2926", "--context", "10", "--device", "cpu", "--keep-case");
        assertEquals(0, upper.exit(), upper.toString());
        assertEquals(0, lower.exit(), lower.toString());
        String[] u = upper.out().lines().toList().get(3).split("\t");
        String[] l = lower.out().lines().toList().get(3).split("\t");
        assertEquals(List.of("2925", "G", "A"), List.of(u[1], u[2], u[3]));
        assertEquals(List.of("2925", "g", "A"), List.of(l[1], l[2], l[3]), "GenBank bases are lower case");
        assertTrue(!u[4].equals(l[4]), "the model reads g and G as different tokens");
        assertEquals(u[8], l[8], "the codon call does not depend on case");
    }

    @Test
    void badRequestsAreNamed() throws Exception {
        Path gb = TestData.pPCP1();
        Cli.Run r = Cli.run("mutagenesis", "--model", Cli.tinyModel(), "--input", gb, "--region", "1-2000");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("evo2wb mutagenesis: --region: " + gb + ", record 'NC_005816.1': region 1..2000 has 2000 bases; "
                + "saturation mutagenesis takes at most 1024 at a time: mutate it in parts", r.err().trim());

        r = Cli.run("mutagenesis", "--model", Cli.tinyModel(), "--input", gb, "--region", "9600-9700");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("region 9600..9700 is not inside 1..9609"), r.err());

        r = Cli.run("mutagenesis", "--model", Cli.tinyModel(), "--input", gb, "--region", "10 to 20");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("evo2wb mutagenesis: --region: '10 to 20' is not START-END (1-based, inclusive, e.g. 101-400)",
                r.err().trim());

        r = Cli.run("mutagenesis", "--model", Cli.tinyModel(), "--input", gb, "--record", "chr1", "--region", "1-10");
        assertEquals(1, r.exit(), r.toString());
        assertEquals("evo2wb mutagenesis: --record: " + gb + " has no record 'chr1' (it holds NC_005816.1)",
                r.err().trim());

        Path three = Cli.fasta(tmp.resolve("three.fasta"), Cli.cds().subList(0, 3), 50);
        r = Cli.run("mutagenesis", "--model", Cli.tinyModel(), "--input", three, "--region", "1-10");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("evo2wb mutagenesis: --record: " + three + " holds 3 records; name one ("),
                r.err());

        r = Cli.run("mutagenesis", "--input", gb, "--region", "1-10");
        assertEquals(2, r.exit(), "a missing --model is a usage error");
    }
}
