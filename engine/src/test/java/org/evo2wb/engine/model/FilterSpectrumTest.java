package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hcl filter's kept spectrum: forwards with it give the logits computed without it, and a filter that is trained
 * or overwritten is never served from it.
 */
class FilterSpectrumTest {

    private static final String POLES = "blocks.2.filter.log_poles";
    private static final String RESIDUES = "blocks.2.filter.residues";

    @AfterEach
    void restore() {
        FilterSpectrum.setEnabled(true);
        Convolutions.setChunkComplex(0);
        FilterSpectrum.setMaxKeptLength(0);
    }

    @Test
    void keptSpectrumGivesTheLogitsOfAComputedOne() throws Exception {
        float[] computed;
        FilterSpectrum.setEnabled(false);
        try (StripedHyena model = tiny(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            computed = model.infer(ids(m)).toFloatArray();
            assertEquals(-1, hcl(model).keptSpectrumLength());
        }
        FilterSpectrum.setEnabled(true);
        try (StripedHyena model = tiny(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            long before = FilterSpectrum.builds();
            float[] first = model.infer(ids(m)).toFloatArray();
            float[] second = model.infer(ids(m)).toFloatArray();
            assertEquals(1, FilterSpectrum.builds() - before, "one hcl block, one length: built once");
            assertEquals(300, hcl(model).keptSpectrumLength());
            assertArrayEquals(computed, first, 0f);
            assertArrayEquals(computed, second, 0f);
            float[] shorter = model.infer(ids(m).get(":, :200")).toFloatArray();
            assertEquals(200, hcl(model).keptSpectrumLength(), "another length replaces the kept spectrum");
            assertEquals(2 * 200 * 512, shorter.length);
            FilterSpectrum.setMaxKeptLength(299);
            long built = FilterSpectrum.builds();
            float[] beyond = model.infer(ids(m)).toFloatArray();
            assertEquals(-1, hcl(model).keptSpectrumLength(), "beyond the longest kept length none is kept");
            assertEquals(built, FilterSpectrum.builds());
            assertArrayEquals(computed, beyond, 0f);
        }
    }

    @Test
    void trainingStepChangesTheLogitsAsWithoutTheKeptSpectrum() throws Exception {
        FilterSpectrum.setEnabled(false);
        float[][] without = trainOneStep();
        FilterSpectrum.setEnabled(true);
        float[][] with = trainOneStep();
        assertArrayEquals(without[0], with[0], 0f, "before the step");
        assertArrayEquals(without[1], with[1], 0f, "after the step");
        double change = AttentionBlocksTest.maxAbsDiff(with[0], with[1]);
        System.out.printf("one SGD step changed the logits by up to %.3g%n", change);
        assertTrue(change > 1e-4 && Double.isFinite(AttentionBlocksTest.maxAbs(with[1])),
                "the step changed the logits by " + change);
    }

    /** Logits before and after one SGD step on every tensor (the hcl filter included), both with grad mode off. */
    private static float[][] trainOneStep() throws Exception {
        try (StripedHyena model = tiny(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray tok = ids(m);
            float[] before = model.infer(tok).toFloatArray();
            model.setTrainable(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray lp = model.forward(tok).logSoftmax(-1).get(":, :-1, :")
                        .gather(tok.get(":, 1:").expandDims(-1), 2);
                gc.backward(lp.mean().neg());
            }
            assertEquals(-1, hcl(model).keptSpectrumLength(), "a trained filter is not kept");
            float[] evaluated = model.infer(tok).toFloatArray();     // evaluation while trained: computed too
            assertEquals(-1, hcl(model).keptSpectrumLength());
            assertEquals(before.length, evaluated.length);
            try (GradMode off = GradMode.disabled()) {
                model.visitParameters((key, kind, value) -> {
                    if (kind.isTrainable()) {
                        NDArray step = value.getGradient().mul(0.001f);
                        value.subi(step);
                        step.close();
                    }
                });
            }
            model.setTrainable(false);
            return new float[][] {before, model.infer(tok).toFloatArray()};
        }
    }

    @Test
    void filterOverwrittenInPlaceIsNotServedFromTheKeptSpectrum() throws Exception {
        float[] want;
        FilterSpectrum.setEnabled(false);
        try (StripedHyena model = tiny(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            model.parameters().get(RESIDUES).muli(3f);
            want = model.infer(ids(m)).toFloatArray();
        }
        FilterSpectrum.setEnabled(true);
        try (StripedHyena model = tiny(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            float[] original = model.infer(ids(m)).toFloatArray();
            model.parameters().get(RESIDUES).muli(3f);           // as loading fine-tuned weights does
            float[] got = model.infer(ids(m)).toFloatArray();
            assertArrayEquals(want, got, 0f);
            assertTrue(AttentionBlocksTest.maxAbsDiff(original, got) > 1e-4, "the new residues changed the logits");
        }
    }

    @Test
    void factorisedImpulseResponseMatchesTheSumOfModes() throws Exception {
        try (StripedHyena model = tiny()) {
            float[] poles = model.parameters().get(POLES).toFloatArray();        // (64, 16, 1)
            float[] residues = model.parameters().get(RESIDUES).toFloatArray();  // (64, 16)
            int d = 64;
            int s = 16;
            for (int len : new int[] {1, 2, 17, 300, 1024}) {                // T·J = L and T·J > L
                for (long[] range : new long[][] {{0, d}, {5, 12}, {63, 64}}) {
                    int c0 = (int) range[0];
                    int c = (int) (range[1] - range[0]);
                    float[] h;
                    try (GradMode off = GradMode.disabled()) {
                        NDArray response = hcl(model).impulseResponse(len, range[0], range[1]);
                        assertEquals(new Shape(c, len), response.getShape());
                        h = response.toFloatArray();
                        response.close();
                    }
                    double worst = 0;
                    for (int i = 0; i < c; i++) {
                        for (int t = 0; t < len; t++) {
                            double want = 0;
                            double scale = 1e-30;                 // the summation's error grows with Σ|terms|
                            for (int n = 0; n < s; n++) {
                                int at = (c0 + i) * s + n;
                                double term = residues[at] * Math.exp((double) poles[at] * t);
                                want += term;
                                scale += Math.abs(term);
                            }
                            worst = Math.max(worst, Math.abs(h[i * len + t] - want) / scale);
                        }
                    }
                    System.out.printf("impulse response, L %d, channels %d-%d: error %.3g of the sum of |terms|%n",
                            len, range[0], range[1], worst);
                    assertTrue(worst <= 1e-5, "L " + len + ": relative error " + worst);
                }
            }
        }
    }

    @Test
    void factorisedFilterGradientsMatchThoseOfTheSumOfModes() throws Exception {
        int len = 1_000;                                           // T 32, J 32: 24 times past the window
        try (StripedHyena model = tiny(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            model.setTrainable(true);
            NDArray poles = model.parameters().get(POLES);             // (64, 16, 1)
            NDArray residues = model.parameters().get(RESIDUES);       // (64, 16)
            NDArray w = m.randomNormal(new Shape(64, len));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(hcl(model).impulseResponse(len).mul(w).sum());
            }
            double[] gPoles = poles.getGradient().toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                    .toDoubleArray();
            double[] gRes = residues.getGradient().toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                    .toDoubleArray();
            // the same loss through Σ_s R·exp(λt) in float64: ∂/∂R[c,s] = Σ_t w·exp(λt), ∂/∂λ[c,s] = Σ_t w·R·t·exp(λt)
            double[] p = poles.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
            double[] r = residues.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
            float[] wv = w.toFloatArray();
            double worstPoles = 0;
            double worstRes = 0;
            for (int c = 0; c < 64; c++) {
                for (int k = 0; k < 16; k++) {
                    int at = c * 16 + k;
                    double dr = 0;
                    double dp = 0;
                    double scaleR = 1e-30;
                    double scaleP = 1e-30;
                    for (int t = 0; t < len; t++) {
                        double e = Math.exp(p[at] * t);
                        dr += wv[c * len + t] * e;
                        dp += wv[c * len + t] * r[at] * t * e;
                        scaleR += Math.abs(wv[c * len + t] * e);
                        scaleP += Math.abs(wv[c * len + t] * r[at] * t * e);
                    }
                    worstRes = Math.max(worstRes, Math.abs(gRes[at] - dr) / scaleR);
                    worstPoles = Math.max(worstPoles, Math.abs(gPoles[at] - dp) / scaleP);
                }
            }
            System.out.printf("factorised filter gradients against float64 sums of the modes: residues %.3g, poles "
                    + "%.3g of the sums of |terms|%n", worstRes, worstPoles);
            assertTrue(worstRes <= 1e-5 && worstPoles <= 1e-5, worstRes + " / " + worstPoles);
        }
    }

    @Test
    void channelChunksGiveTheLogitsOfOnePass() throws Exception {
        int len = 2_100;                   // above the hcm block's FFT threshold: both FFT convolutions are chunked
        for (boolean keep : new boolean[] {true, false}) {
            FilterSpectrum.setEnabled(keep);
            float[] whole;
            float[] chunked;
            try (StripedHyena model = tiny(); NDManager m = NDManager.newBaseManager(Device.cpu())) {
                Engine.getInstance().setRandomSeed(11);
                NDArray tok = m.randomInteger(0, 4, new Shape(1, len), ai.djl.ndarray.types.DataType.INT64)
                        .add(65);             // bytes 65 to 68
                whole = model.infer(tok).toFloatArray();
                long n = Convolutions.fftLength(len, len);
                Convolutions.setChunkComplex(10 * (n / 2));                 // 64 channels: 6 chunks of 10, one of 4
                assertEquals(10, Convolutions.channelsPerChunk(1, n));
                Convolutions.setChunkComplex(0);
                assertEquals(4096, Convolutions.channelsPerChunk(1, 16_384), "7B's channels at 8,192 bases: one chunk");
                assertEquals(512, Convolutions.channelsPerChunk(1, 65_536 * 2), "and an eighth of them at 65,536");
                Convolutions.setChunkComplex(10 * (n / 2));
                chunked = model.infer(tok).toFloatArray();
            } finally {
                Convolutions.setChunkComplex(0);
            }
            double diff = AttentionBlocksTest.maxAbsDiff(whole, chunked);
            double scale = AttentionBlocksTest.maxAbs(whole);
            System.out.printf("channel chunks (spectra %s): logits differ by up to %.3g (largest |logit| %.3g)%n",
                    keep ? "kept" : "computed", diff, scale);
            assertTrue(diff <= 1e-5 * scale, "chunked logits differ by " + diff);
        }
    }

    private static StripedHyena tiny() throws Exception {
        return StripedHyena.fromTensors("tiny.pt", TinyGolden.tensors("tiny.pt"), TinyGolden.architecture(1.0),
                Device.cpu(), Precision.FP32);
    }

    private static NDArray ids(NDManager m) throws Exception {
        HostTensor ids = TinyGolden.single("tiny_ids.pt");
        return m.create(ids.toLongArray(), new Shape(ids.shape()));
    }

    private static HyenaLongImplicit hcl(StripedHyena model) {
        return (HyenaLongImplicit) model.blocks().get(2);
    }
}
