package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Causal attention in blocks of query rows: the block size changes the work's shape, never the result. */
class AttentionBlocksTest {

    @AfterEach
    void restore() {
        AttentionBlock.resetScoreBlockElements();
    }

    @Test
    void blockRowsFollowTheDeviceBudget() {
        // evo2-1b-8k: 15 heads, L = 8192, batch 1
        assertEquals(64, AttentionBlock.queryRows(Device.cpu(), 1, 15, 8192, false));      // 2^22 / (15·8192) < 64
        assertEquals(136, AttentionBlock.queryRows(Device.cpu(), 1, 15, 2048, true));      // the CPU never caps
        assertEquals(2184, AttentionBlock.queryRows(Device.gpu(0), 1, 15, 8192, false));   // 2^28 / (15·8192)
        assertEquals(512, AttentionBlock.queryRows(Device.gpu(0), 1, 15, 8192, true));     // 16 blocks for backward
        assertEquals(64, AttentionBlock.queryRows(Device.gpu(0), 1, 15, 300, true));
        AttentionBlock.setScoreBlockElements(2 * 15 * 8192 * 100);
        assertEquals(200, AttentionBlock.queryRows(Device.gpu(0), 1, 15, 8192, true));    // a set budget is kept
        assertEquals(200, AttentionBlock.queryRows(Device.cpu(), 1, 15, 8192, true));
    }

    @Test
    void everyBlockMaskIsTheCausalMaskOfItsRows() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray like = m.zeros(new Shape(1, 1));
            long len = 11;
            for (long rows : new long[] {1, 3, 4, 11}) {
                NDArray mask = AttentionBlock.causalMask(like, rows, len);
                for (long q0 = 0; q0 < len; q0 += rows) {
                    long q1 = Math.min(len, q0 + rows);
                    NDArray block = AttentionBlock.maskFor(mask, rows, len, q0, q1);
                    assertEquals(new Shape(q1 - q0, q1), block.getShape());
                    float[] got = block.toFloatArray();
                    for (int i = 0; i < q1 - q0; i++) {
                        for (int j = 0; j < q1; j++) {
                            float want = j > q0 + i ? -1e30f : 0f;
                            assertTrue(want == got[(int) (i * q1 + j)],            // 0 * -1e30 is -0
                                    "rows " + rows + ", block " + q0 + ".." + q1 + ", [" + i + ", " + j + "]");
                        }
                    }
                }
            }
        }
    }

    @Test
    void smallAndWholeBlocksGiveTheSameLogitsAndGradients() throws Exception {
        AttentionBlock.setScoreBlockElements(1);                      // 64 rows: 5 blocks over 300, the last short
        Run blocked = run();
        AttentionBlock.setScoreBlockElements(1L << 30);               // one block
        Run whole = run();
        double scale = maxAbs(whole.logits);
        double logitDiff = maxAbsDiff(blocked.logits, whole.logits);
        System.out.printf("attention blocks: max |dlogit| %.3g (max |logit| %.3g)%n", logitDiff, scale);
        assertTrue(logitDiff <= 1e-6 * Math.max(1, scale), "logits differ by " + logitDiff);
        double worst = 0;
        for (String key : whole.grads.keySet()) {
            float[] w = whole.grads.get(key);
            float[] b = blocked.grads.get(key);
            double err = maxAbsDiff(b, w) / Math.max(1e-12, maxAbs(w));
            worst = Math.max(worst, err);
            assertTrue(err <= 1e-5, key + ": gradient differs by " + err + " relative");
        }
        System.out.printf("attention blocks: max gradient relative difference %.3g over %d tensors%n", worst,
                whole.grads.size());
    }

    @Test
    void fusedOperatorGivesTheSameLogitsAndGradientsAsQueryBlocks() throws Exception {
        Run blocked;
        Run fused;
        try {
            System.setProperty(FusedAttention.PROPERTY, "blocked");
            AttentionBlock.setScoreBlockElements(1);                  // 64 rows: 5 blocks over 300, the last short
            blocked = run();
            System.setProperty(FusedAttention.PROPERTY, "fused");
            fused = run();
        } finally {
            System.clearProperty(FusedAttention.PROPERTY);
        }
        double scale = maxAbs(blocked.logits);
        double logitDiff = maxAbsDiff(fused.logits, blocked.logits);
        System.out.printf("fused attention: max |dlogit| %.3g (max |logit| %.3g)%n", logitDiff, scale);
        assertTrue(logitDiff <= 1e-5 * Math.max(1, scale), "logits differ by " + logitDiff);
        double worst = 0;
        for (String key : blocked.grads.keySet()) {
            float[] b = blocked.grads.get(key);
            double err = maxAbsDiff(fused.grads.get(key), b) / Math.max(1e-12, maxAbs(b));
            worst = Math.max(worst, err);
            assertTrue(err <= 1e-5, key + ": gradient differs by " + err + " relative");
        }
        System.out.printf("fused attention: max gradient relative difference %.3g over %d tensors%n", worst,
                blocked.grads.size());
    }

    @Test
    void attentionKernelIsChosenByDeviceUnlessSet() {
        try {
            System.clearProperty(FusedAttention.PROPERTY);
            assertTrue(FusedAttention.usedOn(Device.gpu(0)));
            assertFalse(FusedAttention.usedOn(Device.cpu()));
            System.setProperty(FusedAttention.PROPERTY, "fused");
            assertTrue(FusedAttention.usedOn(Device.cpu()));
            System.setProperty(FusedAttention.PROPERTY, "blocked");
            assertFalse(FusedAttention.usedOn(Device.gpu(0)));
            System.setProperty(FusedAttention.PROPERTY, "sparse");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FusedAttention.usedOn(Device.cpu()));
            assertTrue(e.getMessage().contains("sparse"), e.getMessage());
        } finally {
            System.clearProperty(FusedAttention.PROPERTY);
        }
    }

    private record Run(float[] logits, Map<String, float[]> grads) {
    }

    private static Run run() throws Exception {
        HostTensor ids = TinyGolden.single("tiny_ids.pt");
        try (StripedHyena model = StripedHyena.fromTensors("tiny.pt", TinyGolden.tensors("tiny.pt"),
                TinyGolden.architecture(1.0), Device.cpu(), Precision.FP32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            model.setTrainable(true);
            NDArray tok = m.create(ids.toLongArray(), new Shape(ids.shape()));
            float[] logits;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = model.forward(tok);
                logits = out.toFloatArray();
                NDArray lp = out.logSoftmax(-1).get(":, :-1, :").gather(tok.get(":, 1:").expandDims(-1), 2);
                gc.backward(lp.mean().neg());
            }
            Map<String, float[]> grads = new LinkedHashMap<>();
            model.visitParameters((key, kind, value) -> {
                if (kind.isTrainable()) {
                    grads.put(key, value.getGradient().toFloatArray());
                }
            });
            model.setTrainable(false);
            return new Run(logits, grads);
        }
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
