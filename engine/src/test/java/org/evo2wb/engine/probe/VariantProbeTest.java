package org.evo2wb.engine.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.evo2wb.engine.embed.Embedder;
import org.evo2wb.engine.embed.LayerName;
import org.evo2wb.engine.variants.Auroc;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.StripedHyena;
import org.evo2wb.engine.variants.LabelledVariants;
import org.evo2wb.engine.variants.SkipReason;
import org.evo2wb.engine.variants.VariantScoring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A probe on variants, on a synthetic task whose answer is known: on a random 2,000-base contig, every 10th base is
 * changed; an A or T changed to G or C is labelled 1 (a GC gain), a G or C changed to A or T is labelled 0.
 *
 * <p>Hand check: the token embedding ({@code embedding_layer}) of a base does not depend on its neighbours, so with
 * {@code alt-ref} an allele's feature is exactly (E[alt] − E[ref]) / W, one of 8 vectors. The 4 vectors of E are
 * linearly independent (64 values each), so a w exists with w·E[G] = w·E[C] = 1 and w·E[A] = w·E[T] = 0: every gain
 * scores 1/W, every loss −1/W, the classes are linearly separable and the AUROC of a fitted probe is 1.
 */
class VariantProbeTest {

    static final int W = 32;

    @TempDir
    Path tmp;

    /** A VCF of the GC-gain task over positions [from, to), labels in INFO GAIN (and one record without). */
    static String vcf(String contig, int from, int to, Random r) {
        StringBuilder v = new StringBuilder("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n");
        for (int p = from; p < to; p += 10) {
            char ref = contig.charAt(p - 1);
            boolean gain = ref == 'A' || ref == 'T';
            char alt = gain ? "GC".charAt(r.nextInt(2)) : "AT".charAt(r.nextInt(2));
            v.append("chrS\t").append(p).append("\t.\t").append(ref).append('\t').append(alt).append("\t.\t.\t")
                    .append(p == from + 50 ? "." : "GAIN=" + (gain ? 1 : 0)).append('\n');
        }
        v.append("chrS\t5000\t.\tA\tG\t.\t.\tGAIN=1\n");                  // outside the contig: counted, not used
        return v.toString();
    }

    @Test
    void aProbeOnVariantDifferencesLearnsAGcGainAndRanksHeldOutVariantsPerfectly() throws IOException {
        Random r = new Random(5);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            b.append("ACGT".charAt(r.nextInt(4)));
        }
        String contig = b.toString();
        Path fa = tmp.resolve("s.fa");
        Files.writeString(fa, ">chrS\n" + contig + "\n");
        Path train = tmp.resolve("train.vcf");
        Files.writeString(train, vcf(contig, 20, 1000, r));
        Path test = tmp.resolve("test.vcf");
        Files.writeString(test, vcf(contig, 1005, 1980, r));
        VariantScoring.Labels gain = new VariantScoring.Labels("GAIN", null);
        LabelledVariants trainSet = LabelledVariants.read(train, fa, tmp.resolve("cache"), W, gain, () -> false);
        assertEquals(97, trainSet.items().size());                  // 98 positions 20..990, one without a label
        assertEquals(1, trainSet.unlabelled());
        assertEquals(1L, trainSet.skipped().get(SkipReason.OUTSIDE_CONTIG));
        assertEquals("97 ALT alleles used, 1 outside_contig, 1 without a label (left out)", trainSet.format());

        try (StripedHyena model = TinyModel.load()) {
            List<LayerName> layers = LayerName.parseAll("embedding_layer,blocks.1", model.architecture());
            ProbeTraining.Options o = new ProbeTraining.Options(layers, 5, 1.0, 3, W, W / 8);
            // the hand check: the difference feature of the first allele is (E[alt] − E[ref]) / W
            float[][][] e = VariantInput.ALT_MINUS_REF.embed(model, trainSet.items().subList(0, 1), layers, W, W / 8,
                    d -> { }, () -> false);
            String id = trainSet.items().get(0).id();              // chrS:20:R>A
            float[] ref = embedding(model, layers.get(0), id.charAt(id.length() - 3));
            float[] alt = embedding(model, layers.get(0), id.charAt(id.length() - 1));
            for (int j = 0; j < ref.length; j++) {
                assertEquals((alt[j] - ref[j]) / W, e[0][0][j], 1e-6, "dimension " + j);
            }

            ProbeTraining.Report report = ProbeTraining.runOnVariants(model, "tiny", trainSet,
                    VariantInput.ALT_MINUS_REF, "INFO GAIN=1", o, d -> { }, () -> false);
            assertEquals(1.0, report.layers().get(0).cvAuroc(), 1e-12, report.format());
            Probe probe = report.best();
            assertEquals("alt-ref", probe.variants());
            assertEquals(W, probe.window());
            Path saved = tmp.resolve("gain.json");
            probe.save(saved);
            Probe back = Probe.load(saved);
            assertEquals("alt-ref", back.variants());
            assertEquals(W, back.window());
            org.junit.jupiter.api.Assertions.assertArrayEquals(probe.classifier().weights(),
                    back.classifier().weights());

            LabelledVariants held = LabelledVariants.read(test, fa, tmp.resolve("cache"), W, gain, () -> false);
            List<Probe.Prediction> p = back.applyToVariants(model, held, d -> { }, () -> false);
            double[] s = p.stream().mapToDouble(Probe.Prediction::probability).toArray();
            double heldOut = Auroc.of(s, held.labels());
            assertTrue(heldOut > 0.9, "held-out AUROC " + heldOut);
            assertEquals(1.0, heldOut, 1e-12, "separable, as the hand check says");
            assertTrue(back.format(Locale.ROOT).contains("(alt-ref of 32-base variant windows)"), back.format(Locale.ROOT));
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> back.apply(model,
                    List.of("s"), List.of("ACGT"), d -> { }, () -> false));
            assertTrue(x.getMessage().contains("trained on variants"), x.getMessage());
        }
    }

    private static float[] embedding(StripedHyena model, LayerName layer, char base) {
        float[][] out = new float[1][];
        new Embedder(model, List.of(layer), 8, 1).embed(String.valueOf(base), (l, first, rows, count) -> out[0] = rows,
                () -> false);
        return out[0];
    }
}
