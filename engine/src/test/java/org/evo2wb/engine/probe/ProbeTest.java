package org.evo2wb.engine.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.evo2wb.engine.embed.LayerName;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logistic-regression probes on synthetic tasks whose best AUROC is known. */
class ProbeTest {

    @TempDir
    Path tmp;

    /**
     * Two unit-variance Gaussian classes whose means differ by δ along one of 8 features: the best possible AUROC of
     * any score is Φ(δ/√2) (the difference of a positive's and a negative's projections is N(δ, 2)); δ = 1.5 gives
     * Φ(1.0607) = 0.8556. The other 7 features are noise.
     */
    @Test
    void crossValidatedAurocReachesTheBayesOptimumOfTwoGaussians() {
        Random r = new Random(11);
        int n = 2000;
        double[][] x = new double[n][8];
        double[][] noise = new double[n][8];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2 == 0;
            for (int j = 0; j < 8; j++) {
                x[i][j] = r.nextGaussian() * (j == 3 ? 1 : 2) + (j == 3 && y[i] ? 1.5 : 0) + 5;
                noise[i][j] = r.nextGaussian();
            }
        }
        CrossValidation.Result cv = CrossValidation.run(x, y, 5, 1.0, 7);
        assertEquals(0.8556, cv.auroc(), 0.02);
        assertEquals(0.5, CrossValidation.run(noise, y, 5, 1.0, 7).auroc(), 0.04);
        LogisticRegression fit = LogisticRegression.fit(x, y, 1.0);
        int largest = 0;
        for (int j = 1; j < 8; j++) {
            largest = Math.abs(fit.weights()[j]) > Math.abs(fit.weights()[largest]) ? j : largest;
        }
        assertEquals(3, largest, "the informative feature carries the weight");
    }

    @Test
    void newtonFitMatchesTheClosedFormOfOneBinaryFeature() {
        // one feature taking two values: the unpenalised fit (tiny λ) reproduces each group's positive rate
        double[][] x = new double[100][1];
        boolean[] y = new boolean[100];
        for (int i = 0; i < 100; i++) {
            x[i][0] = i < 50 ? 0 : 1;
            y[i] = i < 50 ? i < 10 : i < 80;       // 10/50 = 0.2 and 30/50 = 0.6
        }
        LogisticRegression m = LogisticRegression.fit(x, y, 1e-9);
        assertEquals(0.2, m.probability(new double[] {0}), 1e-6);
        assertEquals(0.6, m.probability(new double[] {1}), 1e-6);
    }

    @Test
    void foldsAreStratifiedAndTooFewItemsAreRefused() {
        boolean[] y = new boolean[23];
        for (int i = 0; i < 23; i++) {
            y[i] = i < 10;
        }
        int[] f = CrossValidation.folds(y, 5, 3);
        for (int k = 0; k < 5; k++) {
            int pos = 0;
            int all = 0;
            for (int i = 0; i < 23; i++) {
                if (f[i] == k) {
                    all++;
                    pos += y[i] ? 1 : 0;
                }
            }
            assertEquals(2, pos);
            assertTrue(all == 4 || all == 5);
        }
        assertThrows(IllegalArgumentException.class, () -> CrossValidation.folds(new boolean[] {true, false, true},
                2, 1));
    }

    /** GC-rich against AT-rich sequences: the token embedding alone separates them, so the CV AUROC is 1. */
    @Test
    void aProbeOnModelEmbeddingsFindsAComposedSignalAndIsSavedAndApplied() throws IOException {
        Random r = new Random(4);
        List<String> seqs = new ArrayList<>();
        boolean[] y = new boolean[40];
        for (int i = 0; i < 40; i++) {
            y[i] = i % 2 == 0;
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < 60; k++) {
                b.append((y[i] ? "GGGCCCAT" : "AAATTTGC").charAt(r.nextInt(8)));
            }
            seqs.add(b.toString());
        }
        try (StripedHyena model = TinyModel.load()) {
            List<LayerName> layers = LayerName.parseAll("embedding_layer,blocks.2,blocks.4.mlp.l3",
                    model.architecture());
            ProbeTraining.Report rep = ProbeTraining.run(model, "tiny", seqs, y, "GC-rich",
                    new ProbeTraining.Options(layers, 4, 1.0, 1, 8192, 1024), d -> { }, () -> false);
            assertEquals(3, rep.layers().size());
            assertEquals(1.0, rep.layers().get(0).cvAuroc(), 1e-12, rep.format());
            Path file = tmp.resolve("probe.json");
            rep.best().save(file);
            Probe back = Probe.load(file);
            assertEquals(rep.best().layer(), back.layer());
            assertArrayEquals(rep.best().classifier().weights(), back.classifier().weights());
            List<Probe.Prediction> p = back.apply(model, List.of("gc", "at"), List.of("GGGCCCGGGCCCGCGCATGC",
                    "AAATTTAAATTTATATGCAT"), d -> { }, () -> false);
            assertTrue(p.get(0).probability() > 0.5 && p.get(1).probability() < 0.5,
                    p.toString() + " " + back.format(Locale.ROOT));
        }
    }
}
