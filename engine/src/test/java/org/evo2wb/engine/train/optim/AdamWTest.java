package org.evo2wb.engine.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.evo2wb.engine.train.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** AdamW against a hand computation in double precision, including decay exemptions, clipping and restore. */
class AdamWTest {

    private static final double B1 = 0.9;
    private static final double B2 = 0.95;
    private static final double EPS = 1e-8;
    private static final double WD = 0.1;

    @ParameterizedTest
    @ValueSource(strings = {"fused", "per-tensor"})
    void twoStepsMatchHandComputation(String update) {
        System.setProperty(FusedAdamW.PROPERTY, update);
        try {
            twoSteps();
        } finally {
            System.clearProperty(FusedAdamW.PROPERTY);
        }
    }

    private static void twoSteps() {
        float[] w0 = {0.5f, -1.0f, 2.0f, 0.25f, 0f, -3f};
        float[] b0 = {0.1f, 0.2f, -0.3f};
        float[][] gw = {{0.1f, -0.2f, 0.3f, 1.5f, -0.01f, 0f}, {-0.4f, 0.2f, 0.05f, 1f, 0.02f, 0.3f}};
        float[][] gb = {{1f, -1f, 0.5f}, {0.3f, 0.3f, -2f}};
        double[] lr = {1e-2, 5e-3};
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("blocks.0.mlp.l1.weight", m.create(w0, new Shape(2, 3)));
            params.put("blocks.0.mlp.l1.bias", m.create(b0));
            try (AdamW opt = new AdamW(params, new AdamW.Hyper(B1, B2, EPS, WD))) {
                assertTrue(opt.decays("blocks.0.mlp.l1.weight"));
                assertFalse(opt.decays("blocks.0.mlp.l1.bias"));
                for (int t = 0; t < 2; t++) {
                    try (NDScope scope = new NDScope()) {
                        Map<String, NDArray> grads = Map.of(
                                "blocks.0.mlp.l1.weight", m.create(gw[t], new Shape(2, 3)),
                                "blocks.0.mlp.l1.bias", m.create(gb[t]));
                        opt.step(grads, lr[t], 1.0);
                    }
                }
                assertClose(hand(w0, gw, lr, true, 1.0), params.get("blocks.0.mlp.l1.weight").toFloatArray());
                assertClose(hand(b0, gb, lr, false, 1.0), params.get("blocks.0.mlp.l1.bias").toFloatArray());
                assertEquals(2, opt.steps());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fused", "per-tensor"})
    void gradientScaleFromClippingIsApplied(String update) {
        System.setProperty(FusedAdamW.PROPERTY, update);
        try {
            gradientScale();
        } finally {
            System.clearProperty(FusedAdamW.PROPERTY);
        }
    }

    private static void gradientScale() {
        float[] w0 = {1f, 2f, 3f, 4f};
        float[][] g = {{3f, 4f, 0f, 0f}};
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = Map.of("head.weight", m.create(w0, new Shape(2, 2)));
            try (AdamW opt = new AdamW(params, new AdamW.Hyper(B1, B2, EPS, 0)); NDScope scope = new NDScope()) {
                NDArray grad = m.create(g[0], new Shape(2, 2));
                double norm = GradientClipping.globalNorm(java.util.List.of(grad));
                assertEquals(5.0, norm, 1e-6);
                double scale = GradientClipping.scale(norm, 1.0);
                assertEquals(1.0 / (5.0 + 1e-6), scale, 1e-12);
                opt.step(Map.of("head.weight", grad), 0.1, scale);
                float[][] scaled = {{(float) (3 * scale), (float) (4 * scale), 0f, 0f}};
                assertClose(hand(w0, scaled, new double[] {0.1}, false, 1.0), params.get("head.weight").toFloatArray());
            }
        }
    }

    @Test
    void restoredStateContinuesIdentically() throws Exception {
        float[] w0 = {0.5f, -1f, 2f, 0.25f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(w0, new Shape(2, 2));
            NDArray b = m.create(w0, new Shape(2, 2));
            try (AdamW first = new AdamW(Map.of("x.weight", a), new AdamW.Hyper(B1, B2, EPS, WD));
                 AdamW second = new AdamW(Map.of("x.weight", b), new AdamW.Hyper(B1, B2, EPS, WD));
                 NDScope scope = new NDScope()) {
                NDArray g1 = m.create(new float[] {0.3f, -0.1f, 0.2f, 1f}, new Shape(2, 2));
                NDArray g2 = m.create(new float[] {-0.5f, 0.4f, 0.1f, -1f}, new Shape(2, 2));
                first.step(Map.of("x.weight", g1), 0.01, 1.0);
                Tensors.copyInto(b, Tensors.toHost(a), "test");
                var saved = first.stateTensors();
                assertEquals(java.util.List.of("exp_avg.x.weight", "exp_avg_sq.x.weight"),
                        java.util.List.copyOf(saved.layout().keySet()));
                second.restore(saved.source(), first.steps(), "test");
                first.step(Map.of("x.weight", g2), 0.01, 1.0);
                second.step(Map.of("x.weight", g2), 0.01, 1.0);
                assertClose(toDouble(a.toFloatArray()), b.toFloatArray());
            }
        }
    }

    /** PyTorch AdamW in double. */
    private static double[] hand(float[] p0, float[][] grads, double[] lr, boolean decay, double scale) {
        double[] p = toDouble(p0);
        double[] mm = new double[p.length];
        double[] vv = new double[p.length];
        for (int t = 1; t <= grads.length; t++) {
            for (int i = 0; i < p.length; i++) {
                double g = grads[t - 1][i] * scale;
                mm[i] = B1 * mm[i] + (1 - B1) * g;
                vv[i] = B2 * vv[i] + (1 - B2) * g * g;
                double mh = mm[i] / (1 - Math.pow(B1, t));
                double vh = vv[i] / (1 - Math.pow(B2, t));
                if (decay) {
                    p[i] *= 1 - lr[t - 1] * WD;
                }
                p[i] -= lr[t - 1] * mh / (Math.sqrt(vh) + EPS);
            }
        }
        return p;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static void assertClose(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }
}
