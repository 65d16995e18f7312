package org.evo2wb.engine.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.evo2wb.engine.model.GradMode;
import org.junit.jupiter.api.Test;

/** LoRA dropout masks drawn from a seed: rate, scaling, gradient, and independence from any shared generator. */
class SeededDropoutTest {

    private static final int N = 200_000;

    private static float[] drop(NDManager m, long seed, double p) {
        try (NDArray x = m.ones(new Shape(4, N / 4)); NDArray y = SeededDropout.apply(x, p, seed)) {
            assertEquals(DataType.FLOAT32, y.getDataType());
            return y.toFloatArray();
        }
    }

    @Test
    void aSeedGivesOneMaskWithTheRateAndScaleOfDropout() {
        try (NDManager m = NDManager.newBaseManager()) {
            double p = 0.3;
            float[] a = drop(m, 42, p);
            Engine.getInstance().setRandomSeed(7);          // the global generator moves; the mask does not
            m.randomUniform(0, 1, new Shape(1000)).close();
            assertArrayEquals(a, drop(m, 42, p));
            float[] b = drop(m, 43, p);
            assertFalse(java.util.Arrays.equals(a, b), "another seed, another mask");
            int zeros = 0;
            float kept = (float) (1 / (1 - p));
            for (float v : a) {
                if (v == 0) {
                    zeros++;
                } else {
                    assertEquals(kept, v, 1e-6f, "kept values are scaled by 1/(1-p)");
                }
            }
            // binomial(200,000, 0.3): mean 60,000, sd 205; five sd either side
            assertTrue(Math.abs(zeros - p * N) < 5 * Math.sqrt(N * p * (1 - p)), zeros + " of " + N + " dropped");
        }
    }

    @Test
    void theGradientIsTheScaledMask() {
        try (NDManager m = NDManager.newBaseManager(); GradMode on = GradMode.enabled()) {
            NDArray x = m.randomNormal(new Shape(3, 1000));
            x.setRequiresGradient(true);
            NDArray y = SeededDropout.apply(x, 0.5, 9);
            JniUtils.backward((PtNDArray) y.sum(), (PtNDArray) m.create(1f), false, false);
            float[] g = x.getGradient().toFloatArray();
            float[] yv = y.toFloatArray();
            float[] xv = x.toFloatArray();
            for (int i = 0; i < g.length; i++) {
                assertEquals(yv[i] == 0 && xv[i] != 0 ? 0f : 2f, g[i], 1e-6f, "element " + i);
            }
        }
    }

    @Test
    void aLayersMaskComesFromTheThreadsScopeAndItsNameOnAnyThread() throws Exception {
        assertFalse(SeededDropout.inScope());
        assertThrows(IllegalStateException.class, () -> SeededDropout.seedOf("blocks.0.mlp.l1"));
        long[] mine = new long[2];
        try (SeededDropout.Scope s = SeededDropout.use(11)) {
            mine[0] = SeededDropout.seedOf("blocks.0.mlp.l1");
            mine[1] = SeededDropout.seedOf("blocks.0.mlp.l2");
            try (SeededDropout.Scope inner = SeededDropout.use(12)) {
                assertTrue(SeededDropout.seedOf("blocks.0.mlp.l1") != mine[0], "another scope, other masks");
            }
            assertEquals(mine[0], SeededDropout.seedOf("blocks.0.mlp.l1"), "the outer scope is back");
        }
        assertFalse(SeededDropout.inScope());
        assertTrue(mine[0] != mine[1] && mine[0] >= 0 && mine[1] >= 0);
        // two threads drawing at once each get the mask their seed gives on its own
        try (NDManager m = NDManager.newBaseManager()) {
            float[] alone = drop(m, mine[0], 0.2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<float[]> f1 = pool.submit(() -> {
                    try (NDManager t = NDManager.newBaseManager()) {
                        float[] last = null;
                        for (int i = 0; i < 20; i++) {
                            last = drop(t, mine[0], 0.2);
                        }
                        return last;
                    }
                });
                Future<float[]> f2 = pool.submit(() -> {
                    try (NDManager t = NDManager.newBaseManager()) {
                        for (int i = 0; i < 20; i++) {
                            drop(t, mine[1], 0.2);
                            Engine.getInstance().setRandomSeed(i);
                        }
                        return null;
                    }
                });
                f2.get();
                assertArrayEquals(alone, f1.get());
            } finally {
                pool.shutdownNow();
            }
        }
        assertThrows(IllegalArgumentException.class, () -> SeededDropout.apply(null, 0, 1));
    }

    @Test
    void gpusAreNotTriedBecauseTorchScriptMakesGeneratorsOnTheCpuOnly() {
        assertTrue(SeededDropout.scriptCanSeed(ai.djl.Device.cpu()));
        assertFalse(SeededDropout.scriptCanSeed(ai.djl.Device.gpu(0)));
        // no probe runs on a GPU, present or not: the log says why in one line, not a failed probe's warning
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertFalse(SeededDropout.availableOn(ai.djl.Device.gpu(7)));
        } finally {
            System.setErr(err);
        }
        String log = said.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(log.contains("LoRA dropout on gpu(7) draws its masks from PyTorch's generator"), log);
        assertFalse(log.contains("cannot be drawn"), log);
    }
}
