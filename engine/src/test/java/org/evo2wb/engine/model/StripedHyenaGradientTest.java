package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.TreeMap;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.junit.jupiter.api.Test;

/**
 * Gradients of the mean next-token cross-entropy on tiny_ids (golden README: mean of −log P(x[t] | x[&lt;t]) over
 * t = 1..299 and both rows) against float64 autograd, for every checkpoint tensor.
 */
class StripedHyenaGradientTest {

    @Test
    void gradientsMatchFloat64Reference() throws Exception {
        check();
    }

    @Test
    void gradientsThroughAttentionInQueryBlocksMatchFloat64Reference() throws Exception {
        AttentionBlock.setScoreBlockElements(2 * 2 * 300 * 100);        // 3 blocks of 100 query rows
        try {
            check();
        } finally {
            AttentionBlock.resetScoreBlockElements();
        }
    }

    private static void check() throws Exception {
        Map<String, HostTensor> refGrads = TinyGolden.tensors("tiny_grads_f64.pt");
        double refLoss = TinyGolden.tensors("tiny_ref_f64.pt").get("loss_f64").toDoubleArray()[0];
        HostTensor ids = TinyGolden.single("tiny_ids.pt");
        try (StripedHyena model = StripedHyena.fromTensors("tiny.pt", TinyGolden.tensors("tiny.pt"),
                TinyGolden.architecture(1.0), Device.cpu(), Precision.FP32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            model.setTrainable(true);
            NDArray tok = m.create(ids.toLongArray(), new Shape(ids.shape()));
            double loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(tok);
                NDArray lp = logits.logSoftmax(-1).get(":, :-1, :")
                        .gather(tok.get(":, 1:").expandDims(-1), 2);
                NDArray l = lp.mean().neg();
                loss = l.getFloat();
                // A garbage collection between forward and backward must not matter: it frees Java-backed tensors
                // that the graph may still hold (see Scalars); before that fix this made gradients wrong.
                System.gc();
                Thread.sleep(100);
                System.gc();
                gc.backward(l);
            }
            assertEquals(refLoss, loss, 1e-5, "loss");
            Map<String, Double> errors = new TreeMap<>();
            Map<String, NDArray> params = model.parameters();
            for (Map.Entry<String, HostTensor> e : refGrads.entrySet()) {
                NDArray p = params.get(e.getKey());
                assertNotNull(p, "model has no tensor " + e.getKey());
                double[] want = e.getValue().toDoubleArray();
                float[] got = p.getGradient().toFloatArray();
                assertEquals(want.length, got.length, e.getKey());
                double num = 0;
                double den = 0;
                for (int i = 0; i < want.length; i++) {
                    num += (got[i] - want[i]) * (got[i] - want[i]);
                    den += want[i] * want[i];
                }
                errors.put(e.getKey(), Math.sqrt(num / den));
            }
            errors.forEach((k, v) -> System.out.printf("grad rel err %-45s %.3g%n", k, v));
            double worst = errors.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            System.out.printf("max gradient relative error %.3g over %d tensors%n", worst, errors.size());
            errors.forEach((k, v) -> assertTrue(v <= 1e-3, k + " relative error " + v));
            model.setTrainable(false);
        }
    }
}
