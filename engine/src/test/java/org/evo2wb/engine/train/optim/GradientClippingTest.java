package org.evo2wb.engine.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The global gradient norm, written out per tensor and as one fused call, against a hand sum in double. */
class GradientClippingTest {

    @Test
    void bothFormsOfTheGlobalNormEqualTheHandSum() {
        Random r = new Random(11);
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            List<NDArray> grads = new ArrayList<>();
            double sum = 0;
            for (int t = 0; t < 40; t++) {
                float[] v = new float[1 + r.nextInt(300)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(5) - 2));
                    sum += (double) v[i] * v[i];
                }
                grads.add(m.create(v, new Shape(v.length)));
            }
            double expected = Math.sqrt(sum);
            for (String form : List.of("per-tensor", "fused")) {
                System.setProperty(FusedAdamW.PROPERTY, form);
                try {
                    assertEquals(expected, GradientClipping.globalNorm(grads), 1e-6 * expected, form);
                } finally {
                    System.clearProperty(FusedAdamW.PROPERTY);
                }
            }
        }
    }
}
