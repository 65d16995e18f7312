package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.junit.jupiter.api.Test;

/** fp32 forward against the float64 goldens of the tiny model. */
class StripedHyenaParityTest {

    @Test
    void logitsAndLogProbsMatchFloat64Reference() throws Exception {
        double[] err = compare("tiny_ref_f64.pt", 1.0);
        System.out.printf("tiny_ref_f64: max |dlogit| %.3g, max |dlogprob| %.3g%n", err[0], err[1]);
        assertTrue(err[0] <= 1e-3, "max logit error " + err[0]);
        assertTrue(err[1] <= 1e-3, "max log-prob error " + err[1]);
    }

    @Test
    void interpolatedRotaryMatchesFloat64Reference() throws Exception {
        double[] err = compare("tiny_interp128_ref_f64.pt", 128.0);
        System.out.printf("tiny_interp128_ref_f64: max |dlogit| %.3g, max |dlogprob| %.3g%n", err[0], err[1]);
        assertTrue(err[0] <= 1e-3, "max logit error " + err[0]);
        assertTrue(err[1] <= 1e-3, "max log-prob error " + err[1]);
    }

    @Test
    void attentionInQueryBlocksMatchesFloat64Reference() throws Exception {
        AttentionBlock.setScoreBlockElements(2 * 2 * 300 * 70);       // blocks of 70 query rows: 5 blocks, last short
        try {
            double[] err = compare("tiny_ref_f64.pt", 1.0);
            System.out.printf("blocked attention: max |dlogit| %.3g, max |dlogprob| %.3g%n", err[0], err[1]);
            assertTrue(err[0] <= 1e-3, "max logit error " + err[0]);
            assertTrue(err[1] <= 1e-3, "max log-prob error " + err[1]);
        } finally {
            AttentionBlock.resetScoreBlockElements();
        }
    }

    static double[] compare(String golden, double ropeScaling) throws Exception {
        Map<String, HostTensor> ref = TinyGolden.tensors(golden);
        HostTensor ids = TinyGolden.single("tiny_ids.pt");
        try (GradMode g = GradMode.disabled();
             StripedHyena model = StripedHyena.fromTensors("tiny.pt", TinyGolden.tensors("tiny.pt"),
                TinyGolden.architecture(ropeScaling), Device.cpu(), Precision.FP32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray tok = m.create(ids.toLongArray(), new Shape(ids.shape()));
            NDArray logits = model.forward(tok);
            assertEquals(new Shape(2, 300, 512), logits.getShape());
            double[] want = ref.get("logits_f64").toDoubleArray();
            float[] got = logits.toFloatArray();
            double maxLogit = 0;
            for (int i = 0; i < want.length; i++) {
                maxLogit = Math.max(maxLogit, Math.abs(want[i] - got[i]));
            }
            NDArray lp = logits.logSoftmax(-1).get(":, :-1, :")
                    .gather(tok.get(":, 1:").expandDims(-1), 2).squeeze(-1);
            float[] gotLp = lp.toFloatArray();
            double[] wantLp = ref.get("per_base_logprob_f64").toDoubleArray();
            assertEquals(wantLp.length, gotLp.length);
            double maxLp = 0;
            for (int i = 0; i < wantLp.length; i++) {
                maxLp = Math.max(maxLp, Math.abs(wantLp[i] - gotLp[i]));
            }
            return new double[] {maxLogit, maxLp};
        }
    }
}
