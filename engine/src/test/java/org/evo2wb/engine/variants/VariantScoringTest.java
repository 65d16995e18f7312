package org.evo2wb.engine.variants;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.zip.GZIPInputStream;
import org.evo2wb.bio.genome.BgzfOutputStream;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.score.Scorer;
import org.evo2wb.engine.score.ScoringOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-built bgzipped reference (chr1, chr2) and bgzipped VCF naming contigs with and without {@code chr}, with a
 * REF mismatch, multi-allelic records, indels, a symbolic ALT, an N-rich window and records outside the contigs,
 * scored with the tiny golden model; every Δ is checked against scoring the two windows directly.
 */
class VariantScoringTest {

    static final int W = 64;

    @TempDir
    static Path tmp;
    static StripedHyena model;
    static String chr1;
    static String chr2;
    static Path reference;

    @BeforeAll
    static void setUp() throws IOException {
        model = TinyModel.load();
        Random r = new Random(3);
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 700; i++) {
            char c = "ACGT".charAt(r.nextInt(4));
            a.append(i >= 500 && i < 600 ? 'N' : i >= 200 && i < 260 ? Character.toLowerCase(c) : c);
        }
        chr1 = a.toString();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            b.append("ACGT".charAt(r.nextInt(4)));
        }
        chr2 = b.toString();
        reference = tmp.resolve("genome.fa.gz");
        bgzip(reference, fasta(), 200);
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    static String fasta() {
        StringBuilder f = new StringBuilder();
        for (String[] s : new String[][] {{"chr1", chr1}, {"chr2", chr2}}) {
            f.append('>').append(s[0]).append('\n');
            for (int p = 0; p < s[1].length(); p += 60) {
                f.append(s[1], p, Math.min(s[1].length(), p + 60)).append('\n');
            }
        }
        return f.toString();
    }

    static void bgzip(Path file, String text, int blockBytes) throws IOException {
        byte[] content = text.getBytes(StandardCharsets.US_ASCII);
        try (BgzfOutputStream out = new BgzfOutputStream(Files.newOutputStream(file))) {
            for (int p = 0; p < content.length; p += blockBytes) {
                out.write(content, p, Math.min(blockBytes, content.length - p));
                out.flush();
            }
        }
    }

    static char base(String contig, int pos1) {
        return Character.toUpperCase((contig.equals("chr1") ? chr1 : chr2).charAt(pos1 - 1));
    }

    static char other(char c, int k) {
        String o = "ACGT".replace(String.valueOf(c), "");
        return o.charAt(k);
    }

    /** The test VCF: 12 records. */
    static String vcf() {
        StringBuilder v = new StringBuilder("##fileformat=VCFv4.2\n##contig=<ID=1>\n##INFO=<ID=LAB,Number=1,Type=Integer"
                + ",Description=\"label\">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        char r100 = base("chr1", 100);
        v.append("1\t100\tsnvMulti\t").append(r100).append('\t').append(other(r100, 0)).append(',')
                .append(other(r100, 1)).append("\t.\tPASS\tLAB=1\n");                         // 1: no chr, two ALTs
        char r101 = base("chr1", 101);
        v.append("chr1\t101\tmismatch\t").append(other(r101, 2)).append("\t").append(r101)
                .append("\t.\tPASS\tLAB=0\n");                                                // 2: REF mismatch
        v.append("chr2\t150\tins\t").append(base("chr2", 150)).append("\t").append(base("chr2", 150))
                .append("TTAG\t.\tPASS\tLAB=1\n");                                            // 3: insertion
        v.append("2\t200\tdel\t").append(chr2, 199, 204).append('\t').append(base("chr2", 200))
                .append("\t.\tPASS\tLAB=0\n");                                                // 4: deletion, no chr
        v.append("chr3\t10\tnoContig\tA\tG\t.\tPASS\tLAB=1\n");                              // 5: unknown contig
        v.append("chr2\t301\tpastEnd\tA\tG\t.\tPASS\tLAB=0\n");                              // 6: past the end
        char r230 = base("chr1", 230);
        v.append("chr1\t230\tsoftMasked\t").append(Character.toLowerCase(r230)).append('\t')
                .append(other(r230, 1)).append(",<DEL>\t.\tPASS\tLAB=0\n");                   // 7: lower-case REF, symbolic
        v.append("chr1\t550\tinN\tN\tA\t.\tPASS\tLAB=1\n");                                  // 8: mostly N
        v.append("chr1\t20\tnearStart\t").append(base("chr1", 20)).append('\t').append(other(base("chr1", 20), 2))
                .append("\t.\tPASS\tLAB=1\n");                                                // 9: clipped left
        v.append("chr1\t700\tlastBase\t").append(base("chr1", 700)).append('\t').append(other(base("chr1", 700), 0))
                .append("\t.\tPASS\tLAB=0\n");                                                // 10: clipped right
        v.append("chr2\t60\tnoAlt\t").append(base("chr2", 60)).append("\t.\t.\tPASS\tLAB=1\n"); // 11: ALT .
        char r400 = base("chr1", 400);
        v.append("chr1\t400\tsnv3\t").append(r400).append('\t').append(other(r400, 0)).append(',')
                .append(other(r400, 1)).append(',').append(other(r400, 2)).append("\t.\tPASS\tLAB=1\n"); // 12
        return v.toString();
    }

    static VariantScoring.Request request(Path vcf, Path out, Path tsv) {
        return new VariantScoring.Request(vcf, reference, tmp.resolve("cache"), out, tsv, W, 3,
                new VariantScoring.Labels("LAB", null), tmp.resolve("roc"), "tiny golden");
    }

    static List<String> lines(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }

    /** The hand-built windows of one allele: W bases from p − W/2 (clipped at 0), the ALT put in at p. */
    static double handDelta(Scorer scorer, String contigSeq, int pos1, String ref, String alt) {
        String seq = contigSeq.toUpperCase();
        int p = pos1 - 1;
        int s = Math.max(0, p - W / 2);
        int e = Math.min(seq.length(), s + W);
        String refWin = seq.substring(s, e);
        String altFull = seq.substring(s, p) + alt + seq.substring(p + ref.length());
        String altWin = altFull.substring(0, Math.min(altFull.length(), refWin.length()));
        var scores = scorer.score(List.of(new Scorer.Input("r", refWin), new Scorer.Input("a", altWin)));
        return scores.get(1).forwardMean() - scores.get(0).forwardMean();
    }

    @Test
    void everyRecordKeptInOrderWithDeltasEqualToScoringTheWindowsDirectly() throws IOException {
        Path vcf = tmp.resolve("in.vcf.gz");
        bgzip(vcf, vcf(), 150);
        Path out = tmp.resolve("out.vcf.gz");
        Path tsv = tmp.resolve("out.tsv");
        VariantScoring.Summary s = VariantScoring.run(model, request(vcf, out, tsv), (p, d, t) -> { }, () -> false);
        assertEquals(12, s.records());
        assertEquals(15, s.alleles());              // 2+1+1+1+1+1+2+1+1+1+0+3
        assertEquals(10, s.scored());               // 15 alleles - 5 skipped
        assertEquals(1L, s.skipped().get(SkipReason.REF_MISMATCH));
        assertEquals(2L, s.skipped().get(SkipReason.OUTSIDE_CONTIG));
        assertEquals(1L, s.skipped().get(SkipReason.SYMBOLIC_ALT));
        assertEquals(1L, s.skipped().get(SkipReason.MOSTLY_N));
        assertEquals(1, s.refMismatches().size());
        assertTrue(s.refMismatches().get(0).contains("in.vcf.gz:6: chr1:101"), s.refMismatches().get(0));
        assertFalse(Files.exists(VariantScoring.journalOf(out)), "the journal is removed after a complete run");

        List<String> in = List.of(vcf().split("\n"));
        List<String> o = lines(out);
        List<String> inRecords = in.stream().filter(l -> !l.startsWith("#")).toList();
        List<String> outRecords = o.stream().filter(l -> !l.startsWith("#")).toList();
        assertEquals(inRecords.size(), outRecords.size());
        assertTrue(o.stream().anyMatch(l -> l.startsWith("##INFO=<ID=EVO2_DLL,Number=A,Type=Float")));
        assertTrue(o.get(o.size() - outRecords.size() - 1).startsWith("#CHROM"));
        Scorer scorer = new Scorer(model, ScoringOptions.defaults().withBatchSize(1));
        int checked = 0;
        for (int i = 0; i < inRecords.size(); i++) {
            String[] a = inRecords.get(i).split("\t");
            String[] b = outRecords.get(i).split("\t");
            for (int c = 0; c < 7; c++) {
                assertEquals(a[c], b[c], "record " + (i + 1) + " column " + c + " kept");
            }
            String dll = info(b[7], "EVO2_DLL");
            String skip = info(b[7], "EVO2_SKIP");
            assertTrue(b[7].startsWith(a[7]), "original INFO kept first");
            if (a[4].equals(".")) {
                assertEquals(a[7], b[7], "a record without ALT is unchanged");
                continue;
            }
            String[] alts = a[4].split(",");
            String[] d = dll.split(",");
            assertEquals(alts.length, d.length, "Number=A");
            String contig = a[0].equals("1") ? "chr1" : a[0].equals("2") ? "chr2" : a[0];
            for (int k = 0; k < alts.length; k++) {
                if (d[k].equals(".")) {
                    assertNotNull(skip);
                    assertFalse(skip.split(",")[k].equals("."));
                    continue;
                }
                double expected = handDelta(scorer, contig.equals("chr1") ? chr1 : chr2, Integer.parseInt(a[1]),
                        a[3], alts[k]);
                assertEquals(expected, Double.parseDouble(d[k]), 1e-5 + 1e-5 * Math.abs(expected),
                        a[2] + " allele " + alts[k]);
                checked++;
            }
        }
        assertEquals(10, checked);
        assertEquals("mismatch", outRecords.get(1).split("\t")[2]);
        assertEquals("ref_mismatch", info(outRecords.get(1).split("\t")[7], "EVO2_SKIP"));
        assertEquals(".,symbolic_alt", info(outRecords.get(6).split("\t")[7], "EVO2_SKIP"));
        assertEquals("outside_contig", info(outRecords.get(4).split("\t")[7], "EVO2_SKIP"));
        assertEquals("outside_contig", info(outRecords.get(5).split("\t")[7], "EVO2_SKIP"));
        assertEquals("mostly_n", info(outRecords.get(7).split("\t")[7], "EVO2_SKIP"));

        // TSV: one row per allele; AUROC of -delta against a hand count of pairs
        List<String> rows = Files.readAllLines(tsv);
        assertEquals(1 + 15, rows.size());
        List<Double> pos = new ArrayList<>();
        List<Double> neg = new ArrayList<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split("\t");
            if (f[11].equals("ok")) {
                (f[6].equals("1") ? pos : neg).add(-Double.parseDouble(f[10]));
            }
        }
        double wins = 0;
        for (double x : pos) {
            for (double y : neg) {
                wins += x > y ? 1 : x == y ? 0.5 : 0;
            }
        }
        assertNotNull(s.roc());
        assertEquals(pos.size(), s.roc().positives());
        assertEquals(neg.size(), s.roc().negatives());
        assertEquals(wins / (pos.size() * neg.size()), s.roc().auroc(), 1e-3);   // TSV deltas have 6 decimals
        assertTrue(s.roc().low() <= s.roc().auroc() && s.roc().auroc() <= s.roc().high());
        assertTrue(Files.size(tmp.resolve("roc.png")) > 1000);

        // the table read back for the Variants view, and its histogram by label
        List<VariantRow> back = VariantRow.readTsv(tsv);
        assertEquals(15, back.size());
        assertEquals(10, back.stream().filter(VariantRow::scored).count());
        DeltaHistogram h = DeltaHistogram.of(back, 4);
        long[] perClass = new long[3];
        for (int c = 0; c < 3; c++) {
            for (long n : h.counts()[c]) {
                perClass[c] += n;
            }
        }
        assertArrayEquals(new long[] {pos.size(), neg.size(), 0}, perClass);
        double lo = back.stream().filter(VariantRow::scored).mapToDouble(VariantRow::delta).min().orElseThrow();
        assertEquals(lo, h.min(), 0);
        ReferenceWindow win = ReferenceWindow.around(reference, tmp.resolve("cache"), "1", 100, W);
        assertEquals("chr1", win.contig());
        assertEquals(chr1.substring(99 - W / 2, 99 + W / 2).toUpperCase(), win.bases());
        assertEquals(W / 2, win.variantIndex());
        assertEquals("chr1:" + (100 - W / 2) + "-" + (99 + W / 2), win.name());
        assertTrue(Files.readString(tmp.resolve("roc.svg")).contains("<polyline"));
    }

    @Test
    void anInterruptedRunContinuesWhereItStoppedAndWritesTheSameOutput() throws IOException {
        Path vcf = tmp.resolve("resume.vcf");
        Files.writeString(vcf, vcf());
        Path full = tmp.resolve("full.vcf");
        VariantScoring.run(model, request(vcf, full, null), (p, d, t) -> { }, () -> false, 4);

        Path out = tmp.resolve("resumed.vcf");
        long[] seen = new long[1];
        assertThrows(CancellationException.class, () -> VariantScoring.run(model, request(vcf, out, null),
                (p, d, t) -> seen[0] = p.startsWith("Scoring") ? d : seen[0], () -> seen[0] >= 8, 4));
        assertFalse(Files.exists(out), "no half-written output");
        Path journal = VariantScoring.journalOf(out);
        assertTrue(Files.readString(journal).contains("done\t8\n"));
        VariantScoring.Summary s = VariantScoring.run(model, request(vcf, out, null), (p, d, t) -> { },
                () -> false, 4);
        assertEquals(8, s.resumedRecords());
        assertArrayEquals(Files.readAllBytes(full), Files.readAllBytes(out));
        assertFalse(Files.exists(journal));
    }

    @Test
    void windowsAreAlignedAtTheVariantStart() {
        String bases = "AAAACCCCGGGGTTTT";        // contig of 16, W = 8, variant at p = 8 (G)
        VariantWindows.Pair snv = VariantWindows.pair(bases.substring(4, 12), 4, 8, 1, "T", 16, 8);
        assertEquals("CCCCGGGG", snv.ref());
        assertEquals("CCCCTGGG", snv.alt());
        long[] span = VariantWindows.span(8, 2, 1, 16, 8);      // deletion GG -> G: one more base from the right
        assertArrayEquals(new long[] {4, 13}, span);
        VariantWindows.Pair del = VariantWindows.pair(bases.substring(4, 13), 4, 8, 2, "G", 16, 8);
        assertEquals("CCCCGGGT", del.alt());
        VariantWindows.Pair ins = VariantWindows.pair(bases.substring(4, 12), 4, 8, 1, "GAAAAA", 16, 8);
        assertEquals("CCCCGAAA", ins.alt());
        assertTrue(VariantWindows.symbolic("<DUP>") && VariantWindows.symbolic("G]17:198982]")
                && VariantWindows.symbolic("*") && !VariantWindows.symbolic("acgtn"));
    }

    static String info(String info, String key) {
        for (String part : info.split(";")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        return null;
    }


    /**
     * Labels from a label table (other contig naming, lower-case bases, a header) give the same AUROC as the INFO key
     * when they say the same; alleles left without a label are counted, and rows that match no allele too.
     */
    @Test
    void aLabelTableLabelsTheAllelesItNamesAndCountsTheRest() throws IOException {
        Path vcf = tmp.resolve("labels-in.vcf");
        Files.writeString(vcf, vcf());
        VariantScoring.Summary byInfo = VariantScoring.run(model, request(vcf, tmp.resolve("labels-info.vcf"),
                tmp.resolve("labels-info.tsv")), (p, d, t) -> { }, () -> false);
        List<VariantRow> rows = VariantRow.readTsv(tmp.resolve("labels-info.tsv"));
        StringBuilder all = new StringBuilder("chrom\tpos\tref\talt\tnote\tlabel\n");
        StringBuilder some = new StringBuilder("# labels of the test VCF\n");
        List<Double> scores = new ArrayList<>();
        List<Boolean> labels = new ArrayList<>();
        int k = 0;
        for (VariantRow r : rows) {
            String chrom = r.chrom().startsWith("chr") ? r.chrom().substring(3) : "chr" + r.chrom();
            String lab = r.label() ? "1" : "0";
            all.append(chrom).append('\t').append(r.pos()).append('\t').append(r.ref().toLowerCase()).append('\t')
                    .append(r.alt()).append("\tx\t").append(lab).append('\n');
            if (!r.scored()) {
                continue;
            }
            k++;
            if (k == 2) {
                continue;                                           // no row: unlabelled
            }
            some.append(chrom).append('\t').append(r.pos()).append('\t').append(r.ref()).append('\t')
                    .append(r.alt()).append('\t').append(k == 5 ? "NA" : lab).append('\n');
            if (k != 5) {
                scores.add(-r.delta());
                labels.add(r.label());
            }
        }
        some.append("chr9\t5\tA\tC\t1\n");                        // matches no allele
        Path allTable = tmp.resolve("labels-all.tsv");
        Files.writeString(allTable, all.toString());
        VariantScoring.Request q = request(vcf, tmp.resolve("labels-all.vcf"), null)
                .withLabels(VariantScoring.Labels.parse(allTable.toString(), null));
        VariantScoring.Summary s = VariantScoring.run(model, q, (p, d, t) -> { }, () -> false);
        assertEquals(byInfo.roc().auroc(), s.roc().auroc());
        assertEquals(byInfo.roc().positives(), s.roc().positives());
        assertEquals(byInfo.roc().negatives(), s.roc().negatives());
        assertEquals(0, s.unlabelled());
        assertEquals(0, s.labelsNotInVcf());

        Path someTable = tmp.resolve("labels-some.tsv");
        Files.writeString(someTable, some.toString());
        s = VariantScoring.run(model, request(vcf, tmp.resolve("labels-some.vcf"), null)
                .withLabels(VariantScoring.Labels.parse(someTable.toString(), null)), (p, d, t) -> { }, () -> false);
        assertEquals(2, s.unlabelled());
        assertEquals(1, s.labelsNotInVcf());
        boolean[] y = new boolean[labels.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.get(i);
        }
        assertEquals(org.evo2wb.engine.variants.Auroc.of(scores.stream().mapToDouble(Double::doubleValue).toArray(), y),
                s.roc().auroc(), 1e-6);               // Δ in the TSV has 6 decimals
        assertTrue(s.format().contains("\n2 scored alleles without a label (left out of the AUROC); 1 rows of the "
                + "label table match no ALT allele of the VCF"), s.format());
        // an INFO key is still an INFO key
        assertEquals("LAB", VariantScoring.Labels.parse("LAB", null).infoKey());
    }
}
