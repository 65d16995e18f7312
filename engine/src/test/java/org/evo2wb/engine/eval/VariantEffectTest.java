package org.evo2wb.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.evo2wb.engine.variants.Auroc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zero-shot variant scoring on a synthetic 300-base reference with the tiny golden model. */
class VariantEffectTest {

    static final String HEADER = "gene\tpos_hg19\tref\talt\thgvs_c\tlabel_lof";
    static final int WINDOW = 64;

    @TempDir
    static Path tmp;
    static String genome;
    static Path fasta;

    @BeforeAll
    static void reference() throws IOException {
        Random r = new Random(17);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            char c = "ACGT".charAt(r.nextInt(4));
            b.append(i >= 100 && i < 140 ? Character.toLowerCase(c) : c);     // a soft-masked stretch
        }
        genome = b.toString();
        fasta = tmp.resolve("ref.fa");
        Files.writeString(fasta, ">chrT:1001-1300 synthetic\n" + genome.substring(0, 150) + "\n"
                + genome.substring(150) + "\n");
    }

    /** Variants at 1-based chromosome positions; each gets the three other bases, labels alternate. */
    static Path table(int... positions) throws IOException {
        StringBuilder t = new StringBuilder(HEADER).append('\n');
        int k = 0;
        for (int p : positions) {
            char ref = Character.toUpperCase(genome.charAt(p - 1001));
            for (char alt : "ACGT".toCharArray()) {
                if (alt != ref) {
                    t.append("G\t").append(p).append('\t').append(ref).append('\t').append(alt).append("\tc.").append(p)
                            .append(ref).append('>').append(alt).append('\t').append(k++ % 3 == 0 ? "1" : k % 5 == 0
                                    ? "NA" : "0").append('\n');
                }
            }
        }
        Path f = tmp.resolve("variants-" + positions.length + "-" + positions[0] + ".tsv");
        Files.writeString(f, t.toString());
        return f;
    }

    @Test
    void deltasAreMeanLogProbabilityDifferencesOfClippedCentredWindows() throws Exception {
        VariantEffect.Reference ref = VariantEffect.readReference(fasta, null);
        assertEquals(1001, ref.start());
        assertEquals("chrT:1001-1300", ref.id());
        // positions: near the left end (clipped), in the soft-masked stretch, middle, last base (clipped right)
        Path tsv = table(1003, 1120, 1150, 1150 + 1, 1300);
        List<VariantTable.Variant> variants = VariantTable.read(tsv, VariantTable.Columns.defaults());
        assertEquals(15, variants.size());
        VariantEffect.check(variants, ref, tsv);
        try (StripedHyena model = TinyModel.load()) {
            VariantEffect.Report report = VariantEffect.run(model, variants, ref,
                    new VariantEffect.Options(WINDOW, false, 4), d -> { }, () -> false);
            assertEquals(5, report.referenceWindows());
            Scorer alone = new Scorer(model, ScoringOptions.defaults().withBatchSize(1));
            List<Double> negDelta = new ArrayList<>();
            List<Boolean> labels = new ArrayList<>();
            for (VariantEffect.Result r : report.results()) {
                VariantTable.Variant v = r.variant();
                int p = (int) (v.position() - 1001);
                int s = Math.max(0, p - WINDOW / 2);
                int e = Math.min(300, p + WINDOW / 2);
                assertEquals(1001 + s, r.windowStart(), v.id());
                assertEquals(1001 + e - 1, r.windowEnd(), v.id());
                String refWindow = genome.substring(s, e);
                String altWindow = refWindow.substring(0, p - s) + v.alt() + refWindow.substring(p - s + 1);
                double refMean = alone.score(List.of(new Scorer.Input("r", refWindow))).get(0).forwardMean();
                double altMean = alone.score(List.of(new Scorer.Input("a", altWindow))).get(0).forwardMean();
                assertEquals(refMean, r.refMean(), 1e-5, v.id());
                assertEquals(altMean, r.altMean(), 1e-5, v.id());
                assertEquals(altMean - refMean, r.delta(), 2e-5, v.id());
                if (v.label() != null) {
                    negDelta.add(-r.delta());
                    labels.add(v.label());
                }
            }
            // 1003 is index 2: the window [0, 34) is clipped at the left end, so holds 34 bases, not 64
            assertEquals(1001, report.results().get(0).windowStart());
            assertEquals(1034, report.results().get(0).windowEnd());
            // 1300 is the last base: [267, 300), its variant the last base of the window
            assertEquals(1268, report.results().get(14).windowStart());
            assertEquals(1300, report.results().get(14).windowEnd());
            boolean[] y = new boolean[labels.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = labels.get(i);
            }
            assertEquals(Auroc.of(negDelta.stream().mapToDouble(Double::doubleValue).toArray(), y), report.auroc());
            assertEquals(labels.size(), report.positives() + report.negatives());
            assertEquals(15 - labels.size(), report.unlabelled());
            assertTrue(report.unlabelled() > 0 && report.positives() > 0 && report.negatives() > 0);

            StringWriter w = new StringWriter();
            VariantEffect.writeTsv(w, report);
            List<String> lines = w.toString().lines().toList();
            assertEquals(16, lines.size());
            assertEquals("line\tid\tposition\tref\talt\tlabel\twindow_start\twindow_end\tref_mean_logprob"
                    + "\talt_mean_logprob\tdelta", lines.get(0));
            assertTrue(lines.get(1).startsWith("2\tc.1003"), lines.get(1));
        }
    }

    @Test
    void badInputIsNamedWithFileLineAndColumn() throws Exception {
        VariantEffect.Reference ref = VariantEffect.readReference(fasta, null);
        Path wrongRef = tmp.resolve("wrong-ref.tsv");
        char have = Character.toUpperCase(genome.charAt(9));
        char other = have == 'A' ? 'C' : 'A';
        Files.writeString(wrongRef, HEADER + "\nG\t1010\t" + other + "\tT\tx\t1\n");
        IOException e = assertThrows(IOException.class, () -> VariantEffect.check(
                VariantTable.read(wrongRef, VariantTable.Columns.defaults()), ref, wrongRef));
        assertTrue(e.getMessage().startsWith(wrongRef + ":2: the table's reference base at 1010 is " + other
                + " but the reference sequence has " + have), e.getMessage());

        Path outside = tmp.resolve("outside.tsv");
        Files.writeString(outside, HEADER + "\nG\t1301\tA\tT\tx\t1\n");
        e = assertThrows(IOException.class, () -> VariantEffect.check(
                VariantTable.read(outside, VariantTable.Columns.defaults()), ref, outside));
        assertTrue(e.getMessage().contains(outside + ":2: position 1301 lies outside the reference chrT:1001-1300 "
                + "(1001-1300)"), e.getMessage());

        Path noLabel = tmp.resolve("nolabel.tsv");
        Files.writeString(noLabel, "pos_hg19\tref\talt\n1010\tA\tT\n");
        e = assertThrows(IOException.class, () -> VariantTable.read(noLabel, VariantTable.Columns.defaults()));
        assertEquals(noLabel + ": no label column 'label_lof' in the header (columns: pos_hg19, ref, alt)",
                e.getMessage());

        Path badLabel = tmp.resolve("badlabel.tsv");
        Files.writeString(badLabel, HEADER + "\nG\t1010\tA\tT\tx\t1\nG\t1011\tA\tT\tx\tLOF\n");
        e = assertThrows(IOException.class, () -> VariantTable.read(badLabel, VariantTable.Columns.defaults()));
        assertTrue(e.getMessage().startsWith(badLabel + ":3: column label_lof holds 'LOF'"), e.getMessage());
        // naming the positive class accepts it
        var named = new VariantTable.Columns("pos_hg19", "ref", "alt", "label_lof", "LOF", null);
        List<VariantTable.Variant> v = VariantTable.read(badLabel, named);
        assertEquals(false, v.get(0).label());
        assertEquals(true, v.get(1).label());
        assertEquals("line 3", v.get(1).id());

        Path badBase = tmp.resolve("badbase.tsv");
        Files.writeString(badBase, HEADER + "\nG\t1010\tA\tAT\tx\t1\n");
        e = assertThrows(IOException.class, () -> VariantTable.read(badBase, VariantTable.Columns.defaults()));
        assertTrue(e.getMessage().startsWith(badBase + ":2: column alt holds 'AT'"), e.getMessage());

        Path same = tmp.resolve("same.tsv");
        Files.writeString(same, HEADER + "\nG\t1010\tA\ta\tx\t1\n");
        e = assertThrows(IOException.class, () -> VariantTable.read(same, VariantTable.Columns.defaults()));
        assertEquals(same + ":2: the variant base A (column alt) equals the reference base: not a variant",
                e.getMessage());

        Path noCoordinates = tmp.resolve("plain.fa");
        Files.writeString(noCoordinates, ">contig1\nACGT\n");
        e = assertThrows(IOException.class, () -> VariantEffect.readReference(noCoordinates, null));
        assertTrue(e.getMessage().contains("record 'contig1' does not name its coordinates"), e.getMessage());
        assertEquals(5, VariantEffect.readReference(noCoordinates, 5L).start());
    }

    /**
     * One Δ for one variant: the table path ({@code eval vep}) and the VCF path ({@code variants}) score the same
     * SNVs, away from the reference's ends where both window rules give the same 64 bases, to the same bits. The
     * soft-masked stretch is upper-cased on both (the VCF path always does, the table path with --uppercase).
     */
    @Test
    void theTableAndTheVcfPathGiveIdenticalDeltas() throws Exception {
        VariantEffect.Reference ref = VariantEffect.readReference(fasta, null);
        Path tsv = table(1040, 1120, 1121, 1150, 1260);
        List<VariantTable.Variant> variants = VariantTable.read(tsv, VariantTable.Columns.defaults());
        Path genomeFasta = tmp.resolve("genome.fa");
        Files.writeString(genomeFasta, ">chrT\n" + genome + "\n");
        StringBuilder vcf = new StringBuilder("##fileformat=VCFv4.2\n##contig=<ID=chrT>\n"
                + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        for (VariantTable.Variant v : variants) {
            vcf.append("T\t").append(v.position() - 1000).append('\t').append(v.id()).append('\t').append(v.ref())
                    .append('\t').append(v.alt()).append("\t.\t.\t.\n");
        }
        Path vcfFile = tmp.resolve("same.vcf");
        Files.writeString(vcfFile, vcf.toString());
        Path out = tmp.resolve("same.out.vcf");
        Path rows = tmp.resolve("same.out.tsv");
        try (StripedHyena model = TinyModel.load()) {
            VariantEffect.Report table = VariantEffect.run(model, variants, ref,
                    new VariantEffect.Options(WINDOW, true, 1), d -> { }, () -> false);
            org.evo2wb.engine.variants.VariantScoring.run(model, new org.evo2wb.engine.variants.VariantScoring.Request(
                    vcfFile, genomeFasta, tmp.resolve("cache"), out, rows, WINDOW, 1, null, null, "tiny"),
                    (p, d, t) -> { }, () -> false);
            List<org.evo2wb.engine.variants.VariantRow> back = org.evo2wb.engine.variants.VariantRow.readTsv(rows);
            assertEquals(variants.size(), back.size());
            assertEquals(5, table.referenceWindows());
            for (int i = 0; i < variants.size(); i++) {
                VariantEffect.Result r = table.results().get(i);
                org.evo2wb.engine.variants.VariantRow v = back.get(i);
                assertEquals("ok", v.status());
                assertEquals(r.variant().id(), v.id());
                assertEquals(r.windowStart() - 1000, v.windowStart(), v.id());
                // the TSV holds 6 decimals; the unrounded figures are compared through the scored VCF below
                assertEquals(Double.parseDouble(String.format(java.util.Locale.ROOT, "%.6f", r.delta())), v.delta(),
                        0.0, v.id());
            }
            List<String> dll = Files.readAllLines(out).stream().filter(l -> !l.startsWith("#"))
                    .map(l -> l.substring(l.indexOf("EVO2_DLL=") + 9)).toList();
            for (int i = 0; i < variants.size(); i++) {
                assertEquals(String.format(java.util.Locale.ROOT, "%.6g", table.results().get(i).delta()), dll.get(i));
            }
        }
    }
}
