package org.evo2wb.engine.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.evo2wb.engine.checkpoint.TorchCheckpoint;
import org.evo2wb.engine.lora.TinyModel;
import org.evo2wb.engine.model.StripedHyena;
import org.junit.jupiter.api.Test;

/** The gradient of the plain mean next-token loss against the float64 golden gradients of tiny_ids. */
class LossGradientsTest {

    @Test
    void matchesTheGoldenLossAndGradientsWithOneSequencePerPass() throws Exception {
        Map<String, HostTensor> golden = TorchCheckpoint.readTensors(TinyModel.resource("golden/tiny_grads_f64.pt"));
        double goldenLoss = TorchCheckpoint.readTensors(TinyModel.resource("golden/tiny_ref_f64.pt"))
                .get("loss_f64").toDoubleArray()[0];
        long[] ids;
        try (TorchCheckpoint c = TorchCheckpoint.open(TinyModel.resource("golden/tiny_ids.pt"))) {
            ids = c.singleTensor().toLongArray();
        }
        int length = ids.length / 2;
        long[] row0 = java.util.Arrays.copyOfRange(ids, 0, length);
        long[] row1 = java.util.Arrays.copyOfRange(ids, length, ids.length);
        try (StripedHyena model = TinyModel.load()) {
            LossGradients.Result r = LossGradients.compute(model, List.of(row0, row1));
            assertEquals(2L * (length - 1), r.targets());
            assertEquals(goldenLoss, r.loss(), 1e-5);
            assertEquals(golden.keySet(), r.gradients().keySet());
            for (Map.Entry<String, HostTensor> e : golden.entrySet()) {
                double[] want = e.getValue().toDoubleArray();
                float[] got = r.gradients().get(e.getKey()).toFloatArray();
                double num = 0;
                double den = 0;
                for (int i = 0; i < want.length; i++) {
                    num += (got[i] - want[i]) * (got[i] - want[i]);
                    den += want[i] * want[i];
                }
                assertTrue(Math.sqrt(num / den) <= 1e-3, e.getKey() + " relative error " + Math.sqrt(num / den));
            }
            // gradients are cleared afterwards: a second call gives the same result, not twice it
            LossGradients.Result again = LossGradients.compute(model, List.of(row0, row1));
            assertEquals(r.gradients().get("norm.scale").toFloatArray()[0],
                    again.gradients().get("norm.scale").toFloatArray()[0], 1e-7);
            assertThrows(IllegalArgumentException.class, () -> LossGradients.compute(model, List.of(new long[] {65})));
        }
    }
}
