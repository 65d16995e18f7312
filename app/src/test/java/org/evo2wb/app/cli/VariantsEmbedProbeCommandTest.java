package org.evo2wb.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The variants, embed and probe commands on the tiny golden model. */
class VariantsEmbedProbeCommandTest {

    @TempDir
    Path tmp;

    static String dna(Random r, int n, String alphabet) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    @Test
    void variantsWritesEveryRecordAndReportsRefMismatchesAndTheAuroc() throws Exception {
        Random r = new Random(1);
        String chr = dna(r, 400, "ACGT");
        Path fa = tmp.resolve("ref.fa");
        Files.writeString(fa, ">chrA\n" + chr + "\n");
        StringBuilder v = new StringBuilder("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        for (int pos = 50; pos <= 350; pos += 25) {
            char ref = chr.charAt(pos - 1);
            char alt = ref == 'A' ? 'C' : 'A';
            v.append("A\t").append(pos).append("\t.\t").append(ref).append('\t').append(alt).append("\t.\t.\tY=")
                    .append(pos % 2).append('\n');
        }
        char wrong = chr.charAt(99) == 'G' ? 'T' : 'G';
        v.append("A\t100\tbad\t").append(wrong).append("\tC\t.\t.\tY=1\n");
        Path vcf = tmp.resolve("in.vcf");
        Files.writeString(vcf, v.toString());
        Path out = tmp.resolve("out.vcf.gz");
        Cli.Run run = Cli.run("variants", "--model", Cli.tinyModel(), "--vcf", vcf, "--reference", fa, "--out", out,
                "--tsv", tmp.resolve("out.tsv"), "--window", "64", "--label", "Y", "--index-cache", tmp.resolve("c"));
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("14 records, 14 ALT alleles: 13 scored, 1 ref_mismatch"), run.out());
        assertTrue(run.out().contains("REF mismatch: in.vcf:16: A:100 REF " + wrong), run.out());
        assertTrue(run.out().contains("AUROC "), run.out());
        assertTrue(Files.exists(tmp.resolve("out.roc.png")) && Files.exists(tmp.resolve("out.roc.svg")));
        assertEquals(15, Files.readAllLines(tmp.resolve("out.tsv")).size());
        assertTrue(Files.exists(tmp.resolve("ref.fa.fai")));
    }

    @Test
    void variantsTakesLabelsFromATableAndCountsAllelesWithoutOne() throws Exception {
        Random r = new Random(1);
        String chr = dna(r, 400, "ACGT");
        Path fa = tmp.resolve("ref.fa");
        Files.writeString(fa, ">chrA\n" + chr + "\n");
        StringBuilder v = new StringBuilder("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        StringBuilder full = new StringBuilder("chrom\tpos\tref\talt\tlabel\n");
        StringBuilder partial = new StringBuilder();
        for (int pos = 50; pos <= 350; pos += 25) {
            char ref = chr.charAt(pos - 1);
            char alt = ref == 'A' ? 'C' : 'A';
            v.append("A\t").append(pos).append("\t.\t").append(ref).append('\t').append(alt).append("\t.\t.\tY=")
                    .append(pos % 2).append('\n');
            full.append("chrA\t").append(pos).append('\t').append(ref).append('\t').append(alt).append('\t')
                    .append(pos % 2).append('\n');
            if (pos != 100) {
                partial.append("A\t").append(pos).append('\t').append(ref).append('\t').append(alt).append('\t')
                        .append(pos == 125 ? "NA" : pos % 2).append('\n');
            }
        }
        Path vcf = tmp.resolve("in.vcf");
        Files.writeString(vcf, v.toString());
        Path fullTable = tmp.resolve("labels.tsv");
        Files.writeString(fullTable, full.toString());
        Path partialTable = tmp.resolve("some-labels.tsv");
        Files.writeString(partialTable, partial.toString());
        Cli.Run info = Cli.run("variants", "--model", Cli.tinyModel(), "--vcf", vcf, "--reference", fa, "--out",
                tmp.resolve("info.vcf"), "--window", "64", "--label", "Y", "--index-cache", tmp.resolve("c"));
        Cli.Run table = Cli.run("variants", "--model", Cli.tinyModel(), "--vcf", vcf, "--reference", fa, "--out",
                tmp.resolve("table.vcf"), "--window", "64", "--label", fullTable, "--index-cache", tmp.resolve("c"));
        assertEquals(0, table.exit(), table.toString());
        String auroc = info.out().lines().filter(l -> l.startsWith("AUROC")).findFirst().orElseThrow();
        assertEquals(auroc, table.out().lines().filter(l -> l.startsWith("AUROC")).findFirst().orElseThrow());
        assertTrue(Files.exists(tmp.resolve("table.roc.svg")));
        Cli.Run some = Cli.run("variants", "--model", Cli.tinyModel(), "--vcf", vcf, "--reference", fa, "--out",
                tmp.resolve("some.vcf"), "--window", "64", "--label", partialTable, "--index-cache", tmp.resolve("c"));
        assertEquals(0, some.exit(), some.toString());
        assertTrue(some.out().contains("\n2 scored alleles without a label (left out of the AUROC)\n"), some.out());
        assertTrue(some.out().contains("; 5 positive, 6 negative) of -EVO2_DLL"), some.out());
        Path bad = tmp.resolve("bad-labels.tsv");
        Files.writeString(bad, "chrA\t50\tA\tC\t1\nchrA\tfifty\tA\tC\t1\n");
        Cli.Run refused = Cli.run("variants", "--model", Cli.tinyModel(), "--vcf", vcf, "--reference", fa, "--out",
                tmp.resolve("bad.vcf"), "--label", bad, "--index-cache", tmp.resolve("c"));
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(refused.err().contains(bad + ":2: pos 'fifty' is not a 1-based position"), refused.err());
        assertTrue(Files.notExists(tmp.resolve("bad.vcf")));
    }

    @Test
    void embedAndProbeTrainAndApply() throws Exception {
        Random r = new Random(2);
        StringBuilder fa = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            boolean gc = i % 2 == 0;
            fa.append('>').append("s").append(i).append(gc ? " class=gc" : " class=at").append('\n')
                    .append(dna(r, 50, gc ? "GGGCCCAT" : "AAATTTGC")).append('\n');
        }
        Path in = tmp.resolve("train.fa");
        Files.writeString(in, fa.toString());
        Path st = tmp.resolve("e.safetensors");
        Cli.Run e = Cli.run("embed", "--model", Cli.tinyModel(), "--input", in, "--layer", "blocks.1,blocks.3.mlp.l3",
                "--pool", "mean", "--out", st);
        assertEquals(0, e.exit(), e.toString());
        HostTensor t = Safetensors.read(st).get("blocks.3.mlp.l3");
        assertEquals(List.of(24L, 64L), List.of(t.shape()[0], t.shape()[1]));

        Path probe = tmp.resolve("p.json");
        Cli.Run p = Cli.run("probe", "train", "--model", Cli.tinyModel(), "--input", in, "--positive", "class=gc",
                "--layer", "embedding_layer,blocks.2", "--folds", "3", "--out", probe);
        assertEquals(0, p.exit(), p.toString());
        assertTrue(p.out().contains("12 positive, 12 negative"), p.out());
        assertTrue(p.out().contains("embedding_layer") && p.out().contains("CV AUROC 1.0000"), p.out());
        Path test = tmp.resolve("new.fa");
        Files.writeString(test, ">gc\nGGGCCCGGGCCCGCGCATGCGGCC\n>at\nAAATTTAAATTTATATGCATAATT\n");
        Path preds = tmp.resolve("p.tsv");
        Cli.Run a = Cli.run("probe", "apply", "--model", Cli.tinyModel(), "--probe", probe, "--input", test, "--out",
                preds);
        assertEquals(0, a.exit(), a.toString());
        List<String> rows = Files.readAllLines(preds);
        assertTrue(Double.parseDouble(rows.get(1).split("\t")[1]) > 0.5, rows.toString());
        assertTrue(Double.parseDouble(rows.get(2).split("\t")[1]) < 0.5, rows.toString());
    }

    /** probe train/apply on variants: the GC-gain task of the engine's VariantProbeTest, labels from a table. */
    @Test
    void probeTrainAndApplyOnVariantsWithALabelTable() throws Exception {
        Random r = new Random(5);
        String chr = dna(r, 1200, "ACGT");
        Path fa = tmp.resolve("s.fa");
        Files.writeString(fa, ">chrS\n" + chr + "\n");
        StringBuilder vcf = new StringBuilder("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        StringBuilder labels = new StringBuilder("chrom\tpos\tref\talt\tlabel\n");
        StringBuilder fresh = new StringBuilder(vcf);
        List<Boolean> freshGain = new java.util.ArrayList<>();
        for (int p = 20; p < 1180; p += 10) {
            char ref = chr.charAt(p - 1);
            boolean gain = ref == 'A' || ref == 'T';
            char alt = gain ? "GC".charAt(r.nextInt(2)) : "AT".charAt(r.nextInt(2));
            String row = "chrS\t" + p + "\t.\t" + ref + "\t" + alt + "\t.\t.\t.\n";
            if (p < 800) {
                vcf.append(row);
                if (p != 400) {
                    labels.append("S\t").append(p).append('\t').append(ref).append('\t').append(alt).append('\t')
                            .append(gain ? 1 : 0).append('\n');
                }
            } else {
                fresh.append(row);
                freshGain.add(gain);
            }
        }
        Path train = tmp.resolve("train.vcf");
        Files.writeString(train, vcf.toString());
        Path table = tmp.resolve("gain.tsv");
        Files.writeString(table, labels.toString());
        Path probe = tmp.resolve("gain.json");
        Cli.Run t = Cli.run("probe", "train", "--model", Cli.tinyModel(), "--vcf", train, "--reference", fa,
                "--label", table, "--layer", "embedding_layer,blocks.1", "--window", "32", "--folds", "3",
                "--out", probe, "--index-cache", tmp.resolve("c"));
        assertEquals(0, t.exit(), t.toString());
        assertTrue(t.out().startsWith("77 ALT alleles used, 1 without a label (left out)\n"), t.out());
        assertTrue(t.out().contains("embedding_layer                  CV AUROC 1.0000"), t.out());
        Path fresh1 = tmp.resolve("fresh.vcf");
        Files.writeString(fresh1, fresh.toString());
        Path preds = tmp.resolve("preds.tsv");
        Cli.Run a = Cli.run("probe", "apply", "--model", Cli.tinyModel(), "--probe", probe, "--vcf", fresh1,
                "--reference", fa, "--out", preds, "--index-cache", tmp.resolve("c"));
        assertEquals(0, a.exit(), a.toString());
        List<String> rows = Files.readAllLines(preds);
        assertEquals("variant\tprobability", rows.get(0));
        assertEquals(freshGain.size() + 1, rows.size());
        double[] score = new double[freshGain.size()];
        boolean[] y = new boolean[freshGain.size()];
        for (int i = 0; i < y.length; i++) {
            score[i] = Double.parseDouble(rows.get(i + 1).split("\t")[1]);
            y[i] = freshGain.get(i);
        }
        assertEquals(1.0, org.evo2wb.engine.variants.Auroc.of(score, y), 1e-12, rows.toString());
        Cli.Run wrong = Cli.run("probe", "apply", "--model", Cli.tinyModel(), "--probe", probe, "--input", fa,
                "--out", tmp.resolve("x.tsv"));
        assertEquals(1, wrong.exit(), wrong.toString());
        assertTrue(wrong.err().contains("was trained on variants; give --vcf and --reference"), wrong.err());
    }
}
